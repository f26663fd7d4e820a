"""What validation reports: :class:`Finding` (one broken rule, about at most one
registered connector) and :class:`Hit` (what a rule function yields before the
runner attributes it to registrations)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning"]


class Finding(BaseModel):
    """One broken rule, about at most one registered connector.

    ``registration`` is the guid of the RegisteredIntegrationConnector the
    finding blocks (a connector's identity, SPEC §4); ``group``/``connector``
    (qualifiedName / connectorName) say where to look. All three are ``None``
    for a finding no registered connector reaches (e.g. an orphan connection
    in a database snapshot). ``elements`` are the qualifiedNames involved (an
    element without one is named ``guid:<guid>``); ``relationship`` is the
    guid of the relationship at fault, where there is one.
    """

    model_config = ConfigDict(frozen=True)

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
