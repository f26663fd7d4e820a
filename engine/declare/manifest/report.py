"""What an apply reports (:class:`ApplyReport`), and the callables it takes: the validator
run before commit and the progress callback. Shared by :mod:`.apply`, which plans, and
:mod:`.write`, which writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from engine.declare.manifest.plan import Plan
from engine.graph.records import WriteResult
from engine.graph.store import Store

ApplyValidator = Callable[
    [Store, ManagedTransaction, Sequence[str]], Sequence[Mapping[str, Any]] | None
]
"""Called inside the apply transaction, after every write and before commit, with the
qualifiedNames of the applied groups; raise a SwitchboardError to roll everything back.
What it returns (findings that do not block the apply, e.g. warnings, as dicts) ends up in
:attr:`ApplyReport.warnings`."""

ApplyProgress = Callable[[str, int, int], None]
"""progress(stage, done, total), called as batches are written."""


@dataclass
class ApplyReport:
    """What :func:`apply` planned and (unless ``dry_run``) did."""

    plan: Plan
    dry_run: bool
    results: list[WriteResult] = field(default_factory=list)
    deleted: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """Findings of the validator that did not block the apply (warnings)."""

    @property
    def counts(self) -> dict[str, int]:
        if self.dry_run:
            return self.plan.summary
        out = {
            "create": 0,
            "update": 0,
            "unchanged": len(self.plan.unchanged_elements) + len(self.plan.unchanged_relationships),
            "delete": self.deleted,
        }
        for r in self.results:
            out[{"created": "create", "updated": "update"}.get(r.outcome, "unchanged")] += 1
        return out

    @property
    def changes(self) -> int:
        c = self.counts
        return c["create"] + c["update"] + c["delete"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dryRun": self.dry_run,
            "groups": self.plan.groups,
            "counts": self.counts,
            "changes": self.changes,
            "plan": [c.as_dict() for c in self.plan.changes if c.action != "unchanged"],
            "warnings": self.warnings,
        }
