"""What the supervisor knows about one registered connector, taken from resolution.

A :class:`ConnectorSpec` pairs a :class:`~engine.resolved.ConnectorView` with
the validation errors that block it and two fingerprints: ``config_key``
(everything that defines the running connector except its catalog targets)
and ``target_keys`` (one per catalog target). Audit fields (version,
timestamps, users) are left out, so saving an element unchanged does not
restart anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.graph.graphmap import AUDIT_PROPERTIES
from engine.resolved import CatalogTargetView, ConnectorView, ResolvedGroup

_IGNORED = frozenset(AUDIT_PROPERTIES)


def _strip(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip(v) for k, v in value.items() if k not in _IGNORED}
    if isinstance(value, list | tuple):
        return [_strip(v) for v in value]
    return value


def canonical(value: Any) -> str:
    """Canonical JSON of ``value`` without audit fields."""
    return json.dumps(_strip(value), sort_keys=True, separators=(",", ":"), default=str)


def target_key(target: CatalogTargetView) -> str:
    return canonical(target.model_dump(mode="json"))


@dataclass(frozen=True)
class ConnectorSpec:
    """One registration as resolved and validated."""

    group: str
    view: ConnectorView
    errors: tuple[str, ...] = ()
    """Messages of validation errors that keep the connector from starting."""
    config_key: str = ""
    target_keys: Mapping[str, str] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """The RegisteredIntegrationConnector guid (SPEC §4)."""
        return self.view.registration.guid

    @property
    def name(self) -> str:
        return self.view.connector_name

    @classmethod
    def build(cls, group: str, view: ConnectorView, errors: Sequence[str] = ()) -> ConnectorSpec:
        doc = view.model_dump(mode="json", exclude={"catalogTargets"})
        return cls(
            group=group,
            view=view,
            errors=tuple(errors),
            config_key=canonical({"doc": doc, "errors": list(errors)}),
            target_keys={t.guid: target_key(t) for t in view.catalogTargets},
        )


def blocking_errors(
    findings: Sequence[Any],
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The error findings that keep connectors from starting: (by registration guid, by
    group qualifiedName for errors that name a group but no registration).

    ``findings`` are :class:`engine.validate.Finding` objects (anything with
    ``severity``, ``registration``, ``group``, ``rule``, ``message``).
    """
    by_reg: dict[str, list[str]] = {}
    by_group: dict[str, list[str]] = {}
    for f in findings:
        if str(getattr(f, "severity", "")).lower() != "error":
            continue
        text = f"{getattr(f, 'rule', '?')}: {getattr(f, 'message', f)}"
        reg = getattr(f, "registration", None)
        grp = getattr(f, "group", None)
        if reg:
            by_reg.setdefault(str(reg), []).append(text)
        elif grp:
            by_group.setdefault(str(grp), []).append(text)
    return by_reg, by_group


def group_specs(
    group: ResolvedGroup,
    by_reg: Mapping[str, Sequence[str]],
    by_group: Mapping[str, Sequence[str]],
) -> list[ConnectorSpec]:
    """A spec per registration of one group, with the errors of :func:`blocking_errors`
    that concern it (an error naming the group blocks every connector of the group)."""
    qn = group.qualified_name
    specs = []
    for view in group.connectors:
        errors = [*by_group.get(qn, []), *by_reg.get(view.registration.guid, [])]
        specs.append(ConnectorSpec.build(qn, view, sorted(set(errors))))
    return specs


def specs_from_groups(
    groups: Sequence[ResolvedGroup], findings: Sequence[Any] = ()
) -> list[ConnectorSpec]:
    """A spec per registration, with the error findings that concern it.

    ``findings`` are :class:`engine.validate.Finding` objects (anything with
    ``severity``, ``registration``, ``group``, ``rule``, ``message``); an
    error naming a group but no registration blocks every connector of that
    group.
    """
    by_reg, by_group = blocking_errors(findings)
    return [spec for group in groups for spec in group_specs(group, by_reg, by_group)]
