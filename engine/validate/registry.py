"""The rule registry: :data:`RULES` and the :func:`rule` decorator that fills it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.validate.context import Context
from engine.validate.findings import Hit, Severity

RuleCheck = Callable[[Context], Iterable[Hit]]
"""A rule function: reads the validation context, yields hits."""


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable id, severity, one-line title and explanation."""

    id: str
    severity: Severity
    title: str
    explanation: str
    spec: str
    deep: bool
    check: RuleCheck

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "explanation": self.explanation,
            "spec": self.spec,
            "deep": self.deep,
        }


RULES: dict[str, Rule] = {}
"""Every rule by id (SB001...), in id order."""


def rule(
    rule_id: str, severity: Severity, title: str, *, spec: str, deep: bool = False
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule function; its docstring becomes the rule's explanation.

    ``deep`` rules run only with ``deep=True`` (they import code).
    """

    def register(func: RuleCheck) -> RuleCheck:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        doc = " ".join((func.__doc__ or title).split())
        RULES[rule_id] = Rule(rule_id, severity, title, doc, spec, deep, func)
        if next(reversed(RULES)) != max(RULES):  # keep id order whatever the import order
            in_order = sorted(RULES.items())
            RULES.clear()
            RULES.update(in_order)
        return func

    return register
