"""The plan: the desired state compared with the stored one, inside the transaction
that then applies it (create / update / unchanged / delete, with property diffs)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from neo4j import ManagedTransaction

from engine.declare.manifest.desired import Desired, egeria_name, relationship_label
from engine.errors import ManifestError
from engine.graph.graphmap import decode_properties, to_python
from engine.graph.reader import read_element_states_tx, read_relationship_states_tx
from engine.graph.records import FIXED_KEYS, ElementState, RelationshipIdentity
from engine.graph.store import Store
from engine.typesystem import (
    ASSET_CONNECTION,
    CATALOG_TARGET,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
)

DEFAULT_PRUNE_THRESHOLD = 0.5
"""Share of a scope's registrations and catalog targets ``--prune`` may delete without force."""


@dataclass
class Change:
    """One planned change to one element or relationship."""

    action: Literal["create", "update", "unchanged", "delete"]
    kind: Literal["element", "relationship"]
    name: str
    typeName: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """property -> (stored value, declared value), for updates."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "typeName": self.typeName,
        }
        if self.diff:
            out["diff"] = {k: {"from": a, "to": b} for k, (a, b) in sorted(self.diff.items())}
        return out


@dataclass
class Plan:
    """What applying the documents would do; computed inside the apply transaction."""

    changes: list[Change] = field(default_factory=list)
    deletes: list[RelationshipIdentity] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    unchanged_elements: set[str] = field(default_factory=set)
    unchanged_relationships: set[RelationshipIdentity] = field(default_factory=set)
    missing_relationships: set[RelationshipIdentity] = field(default_factory=set)
    """Already as declared when planned: apply does not write them again."""
    element_ids: dict[str, str] = field(default_factory=dict)
    """qualifiedName -> Neo4j elementId of the stored elements the plan read (valid only
    inside the transaction that planned)."""

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "delete")}

    @property
    def change_count(self) -> int:
        return sum(1 for c in self.changes if c.action != "unchanged")


def _comparable(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: to_python(v) for k, v in props.items() if k not in FIXED_KEYS}


def _diff(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    a = decode_properties(_comparable(stored))
    b = decode_properties(dict(wanted))
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _json_safe_diff(diff: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    return {k: (_json_safe(a), _json_safe(b)) for k, (a, b) in diff.items()}


def make_plan(
    store: Store,
    tx: ManagedTransaction,
    d: Desired,
    *,
    prune: bool = False,
    force: bool = False,
    prune_threshold: float = DEFAULT_PRUNE_THRESHOLD,
) -> Plan:
    """Compare the desired state with the stored one (inside ``tx``).

    Raises :class:`ManifestError` for dangling references, references to an
    element of the wrong type, a guid that differs from the stored one, and a
    prune that would delete more than ``prune_threshold`` without ``force``.
    """
    plan = Plan(groups=list(d.groups))
    names = list(d.elements) + [qn for qn, _, _ in d.references]
    current = read_element_states_tx(store, tx, names)
    plan.element_ids = {qn: state.element_id for qn, state in current.items()}
    errors = _reference_errors(d, current)
    _plan_elements(plan, d, current, errors)
    if errors:
        raise ManifestError("\n".join(errors), hint="fix the manifest; nothing was written")
    owners = set(d.connectors) | set(d.connections) | set(d.groups)
    # Owners the plan did not find have no relationships yet: nothing to read for them.
    stored_rels = read_relationship_states_tx(
        store, tx, {qn: current[qn].element_id for qn in sorted(owners) if qn in current}
    )
    _plan_relationships(plan, d, stored_rels)
    _plan_deletes(plan, d, stored_rels, prune, force, prune_threshold)
    return plan


def _reference_errors(d: Desired, current: Mapping[str, ElementState]) -> list[str]:
    """Dangling references and references to an element of a type they do not accept."""
    errors: list[str] = []
    for qn, where, accept in d.references:
        type_name: str | None
        if qn in d.elements:
            type_name = d.elements[qn].typeName
        elif qn in current:
            type_name = current[qn].typeName
        else:
            close = difflib.get_close_matches(qn, list(d.elements), n=1, cutoff=0.4)
            tip = f"; did you mean '{close[0]}'?" if close else ""
            errors.append(
                f"{where}: dangling reference '{qn}': declared in no file and not in the "
                f"database{tip}"
            )
            continue
        if accept and type_name not in accept:
            errors.append(f"{where}: '{qn}' is a {type_name}, expected {' or '.join(accept)}")
    return errors


def _plan_elements(
    plan: Plan, d: Desired, current: Mapping[str, ElementState], errors: list[str]
) -> None:
    """Each declared element's change; a guid differing from the stored one goes to ``errors``."""
    for qn, erow in d.elements.items():
        stored = current.get(qn)
        if stored is None:
            plan.changes.append(Change("create", "element", qn, erow.typeName))
            continue
        if erow.guid is not None and stored.guid != erow.guid:
            errors.append(
                f"{d.where[qn]}: guid {erow.guid} differs from the stored {stored.guid}; "
                "a guid cannot change"
            )
            continue
        # Equal stored and declared encodings mean equal properties (the common case,
        # checked without decoding); otherwise the decoded values decide.
        same = stored.typeName == erow.typeName and stored.props == erow.props
        diff = {} if same else _diff(stored.props, erow.props)
        if stored.typeName != erow.typeName:
            diff["typeName"] = (stored.typeName, erow.typeName)
        if diff:
            plan.changes.append(
                Change("update", "element", qn, erow.typeName, _json_safe_diff(diff))
            )
        else:
            plan.changes.append(Change("unchanged", "element", qn, erow.typeName))
            plan.unchanged_elements.add(qn)


def _plan_relationships(
    plan: Plan, d: Desired, stored_rels: Mapping[RelationshipIdentity, Mapping[str, Any]]
) -> None:
    """Each declared relationship's change, against what the declared owners have now."""
    for identity, rel in d.relationships.items():
        stored_props = stored_rels.get(identity)
        name = relationship_label(identity)
        tname = egeria_name(identity[0])
        if stored_props is None:
            plan.changes.append(Change("create", "relationship", name, tname))
            plan.missing_relationships.add(identity)
            continue
        diff = {} if stored_props == rel.props else _diff(stored_props, rel.props)
        if diff:
            plan.changes.append(
                Change("update", "relationship", name, tname, _json_safe_diff(diff))
            )
        else:
            plan.changes.append(Change("unchanged", "relationship", name, tname))
            plan.unchanged_relationships.add(identity)


def _plan_deletes(
    plan: Plan,
    d: Desired,
    stored_rels: Mapping[RelationshipIdentity, Any],
    prune: bool,
    force: bool,
    prune_threshold: float,
) -> None:
    """Stored relationships the files no longer declare: those of a declared connector's
    connection link and a declared connection's links always (exactly the declared ones),
    registrations and catalog targets only with ``prune``, within ``prune_threshold``."""
    exact: dict[str, set[str]] = {
        ASSET_CONNECTION: set(d.connectors),
        CONNECTION_CONNECTOR_TYPE: set(d.connections),
    }
    exact[CONNECT_TO_ENDPOINT] = set(d.connections)
    exact[EMBEDDED_CONNECTION] = set(d.connections)
    pruned: dict[str, set[str]] = {
        REGISTERED_INTEGRATION_CONNECTOR: set(d.groups),
        CATALOG_TARGET: set(d.connectors),
    }
    scope_total = 0
    prune_deletes: list[RelationshipIdentity] = []
    for identity in stored_rels:
        rel_type, from_, _, _ = identity
        if identity in d.relationships:
            if rel_type in pruned and from_ in pruned[rel_type]:
                scope_total += 1
            continue
        if rel_type in exact and from_ in exact[rel_type]:
            plan.deletes.append(identity)
        elif rel_type in pruned and from_ in pruned[rel_type]:
            scope_total += 1
            if prune:
                prune_deletes.append(identity)
    if prune_deletes and not force and len(prune_deletes) > prune_threshold * scope_total:
        raise ManifestError(
            f"--prune would delete {len(prune_deletes)} of {scope_total} registrations and "
            f"catalog targets of these groups (more than {prune_threshold:.0%})",
            hint="check that all the group's files were given; add --force to delete anyway",
        )
    plan.deletes.extend(prune_deletes)
    for identity in plan.deletes:
        plan.changes.append(
            Change("delete", "relationship", relationship_label(identity), egeria_name(identity[0]))
        )
