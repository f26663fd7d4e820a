"""Group resolution against a real Neo4j: shapes, defects, one query, golden files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine import ConnectionView, ConnectorView, NotFoundError, ResolvedGroup
from engine.graph import (
    RESOLVE_GROUP_QUERY,
    RESOLVE_PARTS,
    Store,
    canonical_json,
    group_from_parts,
    group_names,
    json_schema_text,
    resolve_group,
    resolve_groups,
)
from engine.statements import query_text
from tests.support.golden import GOLDEN_DIR, check_golden
from tests.world import GraphBuilder, build_fixture_world, guid_for

SCHEMA_PATH = Path(__file__).parents[2] / "docs" / "resolved-group.schema.json"


@pytest.fixture
def world(store: Store) -> Store:
    build_fixture_world(store)
    return store


def connector(group: ResolvedGroup, name: str) -> ConnectorView:
    matches = [c for c in group.connectors if c.registration.connectorName == name]
    assert len(matches) == 1, [c.registration.connectorName for c in group.connectors]
    return matches[0]


class QueryCounter:
    """Counts every query the driver is asked to run: through execute_query and through
    sessions (auto-commit ``run`` and transactions opened on them), and the sessions."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.sessions = 0

    def count(self, query: Any) -> None:
        self.queries.append(str(getattr(query, "metadata", {}).get("operation", query)))


@pytest.fixture
def counter(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[QueryCounter]:
    counts = QueryCounter()
    driver = store.driver
    real_execute: Callable[..., Any] = driver.execute_query
    real_session: Callable[..., Any] = driver.session

    def execute_query(query: Any, *args: Any, **kwargs: Any) -> Any:
        counts.count(query)
        return real_execute(query, *args, **kwargs)

    def session(*args: Any, **kwargs: Any) -> Any:
        counts.sessions += 1
        opened = real_session(*args, **kwargs)
        real_run: Callable[..., Any] = opened.run
        real_begin: Callable[..., Any] = opened.begin_transaction

        def run(query: Any, *run_args: Any, **run_kwargs: Any) -> Any:
            counts.count(query)
            return real_run(query, *run_args, **run_kwargs)

        def begin_transaction(*tx_args: Any, **tx_kwargs: Any) -> Any:
            counts.queries.append("<explicit transaction>")  # its queries are not named here
            return real_begin(*tx_args, **tx_kwargs)

        opened.run = run
        opened.begin_transaction = begin_transaction
        return opened

    monkeypatch.setattr(driver, "execute_query", execute_query)
    monkeypatch.setattr(driver, "session", session)
    yield counts


# ------------------------------------------------------------------ shapes
def test_connectors_are_ordered_by_connector_name(world: Store) -> None:
    group = resolve_group(world, "group.alpha")
    assert group.qualified_name == "group.alpha"
    assert group.group.typeName == "IntegrationGroup"
    assert group.group.properties["additionalProperties"] == {"team": "data"}
    assert [c.registration.connectorName for c in group.connectors] == [
        "db-sync",
        "files-watcher",
        "no-connection",
        "two-connections",
    ]


def test_plain_connection_with_type_endpoint_and_registration(world: Store) -> None:
    files = connector(resolve_group(world, "group.alpha"), "files-watcher")
    reg = files.registration
    assert reg.guid == guid_for("reg.alpha.files")
    assert reg.refreshTimeInterval == 5
    assert reg.permittedSynchronization == "FROM_THIRD_PARTY"
    assert reg.startDate is not None and reg.startDate.isoformat() == "2026-01-02T00:00:00+00:00"
    assert reg.generateConnectorActivityReports is True
    assert reg.properties["createdBy"] == "tester"
    assert files.connector.qualifiedName == "connector.files"
    assert files.usesBlockingCalls is False
    conn = files.connection
    assert conn is not None and conn.qualifiedName == "conn.files"
    assert conn.connectorType is not None and conn.connectorType.qualifiedName == "ct.files"
    assert conn.connectorType.properties["recognizedConfigurationProperties"] == [
        "directory",
        "recursive",
    ]
    assert conn.endpoint is not None and conn.endpoint.properties["networkAddress"] == "/data"
    assert conn.properties["configurationProperties"] == {
        "depth": 2,
        "directory": "/data",
        "recursive": True,
    }
    assert conn.properties["securedProperties"] == {"token": "env:FILES_TOKEN"}
    assert not any("." in key for key in conn.properties), "flattened keys must be dropped"
    assert conn.assetQualifiedNames == ["connector.files"]
    assert files.additionalConnections == []


def test_catalog_target_overrides_and_inherits(world: Store) -> None:
    files = connector(resolve_group(world, "group.alpha"), "files-watcher")
    assert [t.name for t in files.catalogTargets] == ["archive", "inbox"]
    archive, inbox = files.catalogTargets
    assert inbox.effectiveConfiguration == {
        "depth": 2,
        "directory": "/data/inbox",
        "pattern": "*.csv",
        "recursive": True,
    }
    assert inbox.effectivePermittedSynchronization == "FROM_THIRD_PARTY"  # registration's
    assert inbox.relationship["configurationProperties"] == {
        "directory": "/data/inbox",
        "pattern": "*.csv",
    }
    assert inbox.element.typeName == "FileFolder"
    assert inbox.element.properties["pathName"] == "/data/inbox"
    assert archive.effectiveConfiguration == {"depth": 2, "directory": "/data", "recursive": True}
    assert archive.effectivePermittedSynchronization == "TO_THIRD_PARTY"  # its own
    assert archive.relationship["deleteMethod"] == "ARCHIVE"
    assert archive.guid == guid_for("ct.files.archive")


def test_same_connector_in_two_groups_inherits_each_registration(world: Store) -> None:
    beta = resolve_group(world, "group.beta")
    files = connector(beta, "files-watcher-beta")
    inbox = next(t for t in files.catalogTargets if t.name == "inbox")
    assert inbox.effectivePermittedSynchronization == "BOTH_DIRECTIONS"  # default
    assert files.registration.guid == guid_for("reg.beta.files")


def test_depth_three_embedding_and_secrets_store(world: Store) -> None:
    db = connector(resolve_group(world, "group.alpha"), "db-sync")
    assert db.usesBlockingCalls is True
    root = db.connection
    assert root is not None and root.typeName == "VirtualConnection"
    assert [(e.position, e.displayName) for e in root.embeddedConnections] == [
        (1, "chain"),
        (2, "databaseSecrets"),
    ]
    chain, secrets = root.embeddedConnections
    assert chain.arguments == {"mode": "read"}
    level1 = chain.connection
    level2 = level1.embeddedConnections[0].connection
    level3 = level2.embeddedConnections[0].connection
    assert [level1.qualifiedName, level2.qualifiedName, level3.qualifiedName] == [
        "vconn.db.level1",
        "vconn.db.level2",
        "conn.db.level3",
    ]
    assert level2.embeddedConnections[0].displayName == "leaf"
    assert level3.embeddedConnections == []
    assert level3.endpoint is not None and level3.endpoint.qualifiedName == "ep.db"
    assert not any(e.cycle for e in (chain, secrets))
    assert secrets.connection.configuration_properties == {"secretsCollectionName": "sales"}
    assert secrets.connection.connectorType is not None
    assert secrets.connection.connectorType.qualifiedName == "ct.secrets"
    (target,) = db.catalogTargets
    assert target.effectiveConfiguration == {"batchSize": 500}
    assert target.elementConnectionNames == ["conn.db.sales.own", "salesConnection"]
    assert target.relationship["templates"] == {"table": "template.table"}


def test_two_connections_two_types_and_no_connection_stay_visible(world: Store) -> None:
    group = resolve_group(world, "group.alpha")
    two = connector(group, "two-connections")
    assert two.connection is not None and two.connection.qualifiedName == "conn.two.a"
    assert [c.qualifiedName for c in two.additionalConnections] == ["conn.two.b"]
    assert two.connection.connectorType is not None
    assert two.connection.connectorType.qualifiedName == "ct.files"
    assert [t.qualifiedName for t in two.connection.additionalConnectorTypes] == ["ct.noprovider"]
    assert two.additionalConnections[0].connectorType is None
    assert two.connection.endpoint is not None
    assert two.connection.endpoint.qualifiedName == "ep.data"
    assert [e.qualifiedName for e in two.connection.additionalEndpoints] == ["ep.db"]
    none = connector(group, "no-connection")
    assert none.connection is None and none.additionalConnections == []


def test_embedding_cycle_stops_at_the_repeat_and_is_marked(world: Store) -> None:
    cyc = connector(resolve_group(world, "group.beta"), "cycle")
    e1 = cyc.connection
    assert e1 is not None and e1.qualifiedName == "vconn.e1"
    (to_e2,) = e1.embeddedConnections
    assert not to_e2.cycle
    e2 = to_e2.connection
    back, self_link = e2.embeddedConnections
    assert (back.displayName, back.cycle, back.connection.qualifiedName) == (
        "back",
        True,
        "vconn.e1",
    )
    assert back.connection.embeddedConnections == []  # not expanded again
    assert back.connection.connectorType is not None  # but still described
    assert (self_link.displayName, self_link.cycle, self_link.connection.qualifiedName) == (
        "self",
        True,
        "vconn.e2",
    )


def test_shared_embedded_connection_is_not_a_cycle(store: Store) -> None:
    b = GraphBuilder(store)
    b.group("g")
    b.connector("k")
    b.virtual_connection("v")
    b.virtual_connection("mid")
    b.connection("shared")
    b.asset_connection("k", "v")
    b.embed("v", "mid", position=1)
    b.embed("v", "shared", position=2)
    b.embed("mid", "shared", position=1)
    b.register("g", "k", "k")
    conn = resolve_group(store, "g").connectors[0].connection
    assert conn is not None
    mid, shared = conn.embeddedConnections
    assert not mid.cycle and not shared.cycle
    assert mid.connection.embeddedConnections[0].connection.qualifiedName == "shared"
    assert not mid.connection.embeddedConnections[0].cycle


def test_empty_group(world: Store) -> None:
    group = resolve_group(world, "group.empty")
    assert group.connectors == []
    assert group.group.properties["displayName"] == "Empty group"


def test_deep_embedding_chain(store: Store) -> None:
    b = GraphBuilder(store)
    b.group("g")
    b.connector("k")
    depth = 12
    for level in range(depth):
        b.virtual_connection(f"v{level}")
    b.asset_connection("k", "v0")
    for level in range(depth - 1):
        b.embed(f"v{level}", f"v{level + 1}", position=1)
    b.register("g", "k", "k")
    conn: ConnectionView | None = resolve_group(store, "g").connectors[0].connection
    seen = []
    while conn is not None:
        seen.append(conn.qualifiedName)
        conn = conn.embeddedConnections[0].connection if conn.embeddedConnections else None
    assert seen == [f"v{level}" for level in range(depth)]


# ------------------------------------------------------------------ errors
def test_unknown_group_names_the_closest(world: Store) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_group(world, "group.alfa")
    assert info.value.message == "no integration group 'group.alfa'"
    assert info.value.hint is not None and "group.alpha" in info.value.hint


def test_a_non_group_element_is_not_a_group(world: Store) -> None:
    with pytest.raises(NotFoundError):
        resolve_group(world, "connector.files")


def test_unknown_group_in_an_empty_graph(store: Store) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_group(store, "anything")
    assert info.value.hint == "the graph holds no integration group yet"


# ------------------------------------------------------------------ many groups
def test_resolve_groups_matches_resolve_group_and_keeps_the_order(world: Store) -> None:
    names = ["group.beta", "group.alpha", "group.empty", "group.beta"]
    many = resolve_groups(world, names)
    assert [g.qualified_name for g in many] == ["group.beta", "group.alpha", "group.empty"]
    for group in many:
        assert canonical_json(group) == canonical_json(resolve_group(world, group.qualified_name))
    assert resolve_groups(world, []) == []


def test_resolve_groups_names_every_missing_group(world: Store) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_groups(world, ["group.alpha", "nope", "group.bet"])
    assert info.value.message == "no integration groups 'nope', 'group.bet'"
    assert info.value.hint is not None and "group.beta" in info.value.hint


def _innermost_blocks(text: str) -> list[str]:
    """Every ``{...}`` block of ``text`` that holds no other block, whitespace-normalised."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    return [" ".join(block.split()) for block in re.findall(r"\{[^{}]*\}", body)]


def test_query_files_share_their_traversals() -> None:
    """resolve_group.cypher streams one group in parts, resolve_groups.cypher returns
    groups as single rows; every traversal, ordering and projection is the same text."""
    one = query_text("resolve_group")
    many = query_text("resolve_groups")
    lookups = {"{qualifiedName: $qualifiedName}", "{qualifiedName: qualifiedName}"}
    ordering = "ORDER BY r.connectorName, c.qualifiedName, r.guid"
    registered = (
        f"{{ MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c) WITH r, c {ordering} RETURN r }}"
    )
    shared = set(_innermost_blocks(many)) - lookups
    assert len(shared) >= 14
    flat_one = " ".join(one.split())
    for block in shared:
        assert block in flat_one, block
    assert set(_innermost_blocks(one)) - lookups - {registered} <= shared
    assert ordering in " ".join(many.split())


# ------------------------------------------------------------------ one query
def test_resolution_is_a_single_query(world: Store, counter: QueryCounter) -> None:
    group = resolve_group(world, "group.alpha")
    assert len(group.connectors) == 4
    assert counter.queries == ["resolve_group"]
    assert counter.sessions <= 1


def test_resolving_many_groups_is_a_single_query(world: Store, counter: QueryCounter) -> None:
    groups = resolve_groups(world, ["group.alpha", "group.beta", "group.empty"])
    assert len(groups) == 3
    assert counter.queries == ["resolve_groups"]
    assert counter.sessions <= 1


def test_parts_decode_to_the_same_group_in_any_order(world: Store) -> None:
    """resolve_group's rows are decoded as they arrive; connectors that arrive before the
    elements and connections they refer to wait for them, and connector rows are put back
    in order, so the order the server happens to send the parts in does not matter."""
    rows = world.read_values(RESOLVE_GROUP_QUERY, {"qualifiedName": "group.alpha"})
    assert [row[0] for row in rows] == list(RESOLVE_PARTS)
    expected = canonical_json(resolve_group(world, "group.alpha"))
    in_order = group_from_parts(rows)
    reversed_rows = group_from_parts(list(reversed(rows)))
    assert in_order is not None and reversed_rows is not None
    assert canonical_json(in_order) == expected
    assert canonical_json(reversed_rows) == expected
    split = [row for row in rows if row[0] != "connectors"]
    for start, entry in enumerate(rows[-1][2]):  # one connector per row, last one first
        split.insert(0, ("connectors", start, [entry]))
    one_by_one = group_from_parts(split)
    assert one_by_one is not None and canonical_json(one_by_one) == expected
    assert group_from_parts([]) is None


# ------------------------------------------------------------------ canonical JSON
def test_canonical_json_is_deterministic_and_parses(world: Store) -> None:
    first = canonical_json(resolve_group(world, "group.alpha"))
    second = canonical_json(resolve_group(world, "group.alpha"))
    assert first == second
    data = json.loads(first)
    assert list(data) == sorted(data)
    assert data["group"]["properties"]["createTime"] == "2026-01-01T00:00:00Z"
    assert canonical_json(ResolvedGroup.model_validate_json(first)) == first


@pytest.mark.parametrize("name", ["group.alpha", "group.beta", "group.empty"])
def test_fixture_groups_match_golden_files(
    world: Store, request: pytest.FixtureRequest, name: str
) -> None:
    text = canonical_json(resolve_group(world, name))
    check_golden(request, GOLDEN_DIR / "resolve" / f"{name}.json", text)


def test_json_schema_file_is_up_to_date(request: pytest.FixtureRequest) -> None:
    check_golden(request, SCHEMA_PATH, json_schema_text())


def test_documents_follow_the_json_schema(world: Store) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    data = json.loads(canonical_json(resolve_group(world, "group.alpha")))
    assert set(schema["properties"]) == {"group", "connectors"}
    connector_props = set(schema["$defs"]["ConnectorView"]["properties"])
    for item in data["connectors"]:
        assert set(item) <= connector_props
    target_props = set(schema["$defs"]["CatalogTargetView"]["properties"])
    assert target_props == {
        "relationship",
        "element",
        "elementConnectionNames",
        "effectiveConfiguration",
        "effectivePermittedSynchronization",
    }


# ------------------------------------------------------------------ example groups
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
VOLATILE = {
    "createTime": "<time>",
    "updateTime": "<time>",
    "createdBy": "<user>",
    "updatedBy": "<user>",
}


def normalised(text: str) -> str:
    """Canonical JSON with what differs between applies replaced: guids are numbered in order
    of first appearance, audit times and users become placeholders."""
    numbers: dict[str, str] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: VOLATILE[k] if k in VOLATILE else walk(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and UUID.match(value):
            return numbers.setdefault(value, f"<guid-{len(numbers) + 1}>")
        return value

    data = walk(json.loads(text))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_example_groups_match_golden_files(store: Store, request: pytest.FixtureRequest) -> None:
    from engine.declare import manifest

    assert EXAMPLES, "examples/ holds the example manifests"
    manifest.apply(store, EXAMPLES, user="golden")
    names = group_names(store)
    assert len(names) >= 3
    for name in names:
        group = resolve_group(store, name)
        assert group.connectors, f"example group {name} has connectors"
        slug = re.sub(r"[^A-Za-z0-9.-]+", "_", name)
        check_golden(
            request,
            GOLDEN_DIR / "resolve" / "examples" / f"{slug}.json",
            normalised(canonical_json(group)),
        )


def test_audit_times_keep_their_precision(store: Store) -> None:
    b = GraphBuilder(store)
    precise = datetime(2026, 5, 17, 8, 30, 15, 123456, tzinfo=UTC)
    b.group("g", time=precise)
    b.connector("k", time=precise)
    b.register("g", "k", "k", time=precise, startDate=precise)
    group = resolve_group(store, "g")
    assert group.group.properties["createTime"] == precise
    assert group.group.properties["updateTime"] == precise
    reg = group.connectors[0].registration
    assert reg.properties["createTime"] == precise
    assert reg.startDate == precise
    assert group.connectors[0].connector.properties["updateTime"] == precise


def test_closest_names_match_the_last_part_and_ignore_case() -> None:
    from engine.graph import closest_names

    names = [
        "Switchboard:IntegrationGroup:files",
        "Switchboard:IntegrationGroup:mixed",
        "Switchboard:IntegrationGroup:sql-databases",
    ]
    assert closest_names("mixed", names)[0] == "Switchboard:IntegrationGroup:mixed"
    assert closest_names("Mixed:group", names)[0] == "Switchboard:IntegrationGroup:mixed"
    assert closest_names("switchboard:integrationgroup:FILES", names)[0] == names[0]
    assert closest_names("sql-database", names)[0] == names[2]
    assert closest_names("zzzz", names) == []
