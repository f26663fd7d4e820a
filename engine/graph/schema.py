"""Constraints and indexes, applied idempotently and verified with SHOW CONSTRAINTS.

Every element carries the ``Referenceable`` label, so two uniqueness
constraints on it make ``qualifiedName`` and ``guid`` unique across all
elements (SPEC.md §1, rule 1) and back every MERGE on those keys. Each
relationship type gets a uniqueness constraint on its own ``guid`` (Neo4j 5.7+
supports relationship uniqueness in Community edition). A few indexes serve
the resolve and change-following queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import SchemaError
from engine.graph.store import Store
from engine.typesystem import RELATIONSHIP_TYPES


@dataclass(frozen=True)
class Constraint:
    """One uniqueness constraint Switchboard relies on."""

    name: str
    entity_type: str  # NODE or RELATIONSHIP
    label_or_type: str
    key: str

    @property
    def statement(self) -> str:
        if self.entity_type == "NODE":
            pattern = f"(n:{self.label_or_type})"
            target = "n"
        else:
            pattern = f"()-[n:{self.label_or_type}]-()"
            target = "n"
        return (
            f"CREATE CONSTRAINT {self.name} IF NOT EXISTS FOR {pattern} "
            f"REQUIRE {target}.{self.key} IS UNIQUE"
        )


@dataclass(frozen=True)
class Index:
    """One range index for lookups that no constraint covers."""

    name: str
    entity_type: str
    label_or_type: str
    key: str

    @property
    def statement(self) -> str:
        pattern = (
            f"(n:{self.label_or_type})"
            if self.entity_type == "NODE"
            else f"()-[n:{self.label_or_type}]-()"
        )
        return f"CREATE INDEX {self.name} IF NOT EXISTS FOR {pattern} ON (n.{self.key})"


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("referenceable_qualified_name", "NODE", "Referenceable", "qualifiedName"),
    Constraint("referenceable_guid", "NODE", "Referenceable", "guid"),
    # several daemons, one set of groups: one lease per connector registration, one node per
    # daemon process (engine/graph/writer/leases.py)
    Constraint("connector_lease_registration", "NODE", "ConnectorLease", "registration"),
    Constraint("daemon_id", "NODE", "Daemon", "id"),
    *(
        Constraint(f"{rel_type.lower()}_guid", "RELATIONSHIP", rel_type, "guid")
        for rel_type in RELATIONSHIP_TYPES.values()
    ),
)

INDEXES: tuple[Index, ...] = (
    Index(
        "registered_connector_name",
        "RELATIONSHIP",
        "REGISTERED_INTEGRATION_CONNECTOR",
        "connectorName",
    ),
    Index("catalog_target_name", "RELATIONSHIP", "CATALOG_TARGET", "catalogTargetName"),
    Index("referenceable_update_time", "NODE", "Referenceable", "updateTime"),
    Index("referenceable_proxy", "NODE", "Referenceable", "isProxy"),
    # change history (docs/history.md): recorded states by key, name and ends; change sets
    Index("history_state_key", "NODE", "HistoryState", "_hKey"),
    Index("history_state_name", "NODE", "HistoryState", "_hName"),
    Index("history_state_from", "NODE", "HistoryState", "_hFrom"),
    Index("history_state_to", "NODE", "HistoryState", "_hTo"),
    Index("history_state_change_set", "NODE", "HistoryState", "_hChangeSet"),
    Index("change_set_id", "NODE", "ChangeSet", "id"),
    Index("change_set_time", "NODE", "ChangeSet", "time"),
)


INDEXED_VALUE_MAX_BYTES = 4000
"""Longest string (UTF-8 bytes) accepted for an indexed property. Neo4j's range indexes
refuse keys above about 8 kB, and would fail the write with a server error."""

INDEXED_PROPERTIES: frozenset[str] = frozenset({"qualifiedName", "guid", *(i.key for i in INDEXES)})
"""Properties that some constraint or index of :data:`CONSTRAINTS`/:data:`INDEXES` covers."""


def too_long_to_index(name: str, value: object) -> str | None:
    """Why ``value`` cannot be stored under the indexed property ``name``, or None if it can."""
    if name not in INDEXED_PROPERTIES or not isinstance(value, str):
        return None
    size = len(value.encode("utf-8", "surrogatepass"))
    if size <= INDEXED_VALUE_MAX_BYTES:
        return None
    return (
        f"{name} is {size} bytes long; indexed properties are limited to "
        f"{INDEXED_VALUE_MAX_BYTES} bytes (UTF-8)"
    )


@dataclass(frozen=True)
class SchemaCheck:
    """Which expected constraints and indexes exist."""

    present: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "present": list(self.present), "missing": list(self.missing)}


def check_schema(store: Store) -> SchemaCheck:
    """Compare ``SHOW CONSTRAINTS`` / ``SHOW INDEXES`` with what Switchboard needs."""
    constraints = {
        (row["entityType"], tuple(row["labelsOrTypes"] or ()), tuple(row["properties"] or ()))
        for row in store.read("show_constraints")
        if row["type"] in ("UNIQUENESS", "RELATIONSHIP_UNIQUENESS", "NODE_KEY", "RELATIONSHIP_KEY")
    }
    indexes = {row["name"] for row in store.read("show_indexes") if row["state"] == "ONLINE"}
    present: list[str] = []
    missing: list[str] = []
    for c in CONSTRAINTS:
        key = (c.entity_type, (c.label_or_type,), (c.key,))
        (present if key in constraints else missing).append(c.name)
    for i in INDEXES:
        (present if i.name in indexes else missing).append(i.name)
    return SchemaCheck(tuple(present), tuple(missing))


def init_schema(store: Store) -> SchemaCheck:
    """Create every constraint and index (idempotent), wait for them, verify.

    Raises :class:`SchemaError` when a statement fails (e.g. existing
    duplicates prevent a uniqueness constraint) or verification finds one
    missing.
    """
    items: tuple[Constraint | Index, ...] = (*CONSTRAINTS, *INDEXES)
    for item in items:
        try:
            store.run_ddl(f"schema:{item.name}", item.statement)
        except Exception as exc:
            raise SchemaError(
                f"cannot create {item.name}: {exc}",
                hint="existing duplicate qualifiedNames or guids prevent a uniqueness "
                "constraint; find them with cypher/duplicate_qualified_names.cypher",
            ) from exc
    store.run_ddl("schema:await", "CALL db.awaitIndexes(300)")
    check = check_schema(store)
    if not check.ok:
        raise SchemaError(
            f"constraints or indexes missing after creation: {', '.join(check.missing)}"
        )
    return check


def database_status(store: Store) -> dict[str, Any]:
    """Server version and edition, the schema check and element counts by label."""
    components = store.read("server_components")
    kernel = next((c for c in components if c["name"] == "Neo4j Kernel"), components[0])
    check = check_schema(store)
    counts = {row["label"]: row["count"] for row in store.read("count_by_label")}
    relationships = {row["type"]: row["count"] for row in store.read("count_by_relationship_type")}
    return {
        "uri": store.uri,
        "database": store.database or "(default)",
        "server": {
            "name": kernel["name"],
            "version": kernel["versions"][0],
            "edition": kernel["edition"],
        },
        "schema": check.as_dict(),
        "elements": counts,
        "relationships": relationships,
    }
