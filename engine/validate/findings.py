"""What validation reports: :class:`Finding` (one broken rule, about at most one
registered connector) and :class:`Hit` (what a rule function yields before the
runner attributes it to registrations)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

_SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One broken rule, about at most one registered connector.

    ``registration`` is the guid of the RegisteredIntegrationConnector the
    finding blocks (a connector's identity, SPEC §4); ``group``/``connector``
    (qualifiedName / connectorName) say where to look. All three are ``None``
    for a finding no registered connector reaches (e.g. an orphan connection
    in a database snapshot). ``elements`` are the qualifiedNames involved (an
    element without one is named ``guid:<guid>``); ``relationship`` is the
    guid of the relationship at fault, where there is one.

    A plain frozen dataclass (no pydantic), so that validating costs no model building;
    :meth:`as_dict` is its JSON document and :meth:`from_dict` reads one back.
    """

    rule: str
    severity: Severity
    title: str
    group: str | None = None
    connector: str | None = None
    registration: str | None = None
    elements: tuple[str, ...] = ()
    relationship: str | None = None
    message: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON data (fields in declaration order, ``elements`` a list)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "group": self.group,
            "connector": self.connector,
            "registration": self.registration,
            "elements": list(self.elements),
            "relationship": self.relationship,
            "message": self.message,
            "fix": self.fix,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """A finding from :meth:`as_dict`'s document (e.g. a control API's answer);
        ``ValueError`` for a document that is not one."""
        try:
            severity = data["severity"]
            if severity not in _SEVERITIES:
                raise ValueError(f"unknown severity {severity!r}")
            return cls(
                rule=str(data["rule"]),
                severity=severity,
                title=str(data["title"]),
                group=_optional_str(data.get("group")),
                connector=_optional_str(data.get("connector")),
                registration=_optional_str(data.get("registration")),
                elements=tuple(str(e) for e in data.get("elements") or ()),
                relationship=_optional_str(data.get("relationship")),
                message=str(data["message"]),
                fix=str(data["fix"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a finding: {exc}") from exc


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Hit:
    """What a rule function reports; the runner attributes it to registrations.

    ``subjects`` are node keys whose owning registrations the finding affects;
    ``registration`` (an edge key) names the one registration directly instead.
    ``group`` is a node key for group-level hits no registration owns.
    """

    message: str
    fix: str
    elements: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    relationship: str | None = None
    registration: str | None = None


def finding_order(f: Finding) -> tuple[str, ...]:
    """The sort key of findings: group, connector, rule, elements, then the rest."""
    return (
        f.group or "",
        f.connector or "",
        f.rule,
        "\x00".join(f.elements),
        f.relationship or "",
        f.message,
        f.registration or "",
    )


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (errors block apply and the daemon)."""
    return any(f.severity == "error" for f in findings)


def findings_for_registration(findings: Iterable[Finding], registration: str) -> list[Finding]:
    """The findings that concern the connector registered as ``registration`` (its guid)."""
    return [f for f in findings if f.registration == registration]
