"""Unit tests (no I/O) of the structural validator: one breaking fixture per rule,
a clean fixture, property tests and embedding cycles of any length."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ConnectionView, EmbeddedConnectionView, ResolvedGroup
from engine.validate import (
    CATALOG_TARGET,
    EMBEDDED_CONNECTION,
    RULES,
    Finding,
    build_graph,
    findings_for_registration,
    has_errors,
    validate_graph,
    validate_groups,
)
from tests.support.validate_fixtures import (
    GOOD_PROVIDER,
    STORE_PROVIDER,
    Drawn,
    clean_groups,
    connection,
    connector,
    connector_type,
    element,
    embed,
    group,
    groups_strategy,
    guid,
    target,
)

STRICT_PROVIDER = "tests.support.validate_providers:StrictProvider"

Key = tuple[str, str, tuple[str, ...]]


def keys(findings: list[Finding]) -> set[Key]:
    return {(f.rule, f.severity, f.elements) for f in findings}


def parts(groups: list[ResolvedGroup]) -> dict[str, Any]:
    """Handles into clean_groups(): connector views and connections by short name."""
    g1, g2 = groups
    files, db = g1.connectors
    (other,) = g2.connectors
    assert files.connection is not None and db.connection is not None
    jdbc_link, secrets_link = db.connection.embeddedConnections
    return {
        "g1": g1,
        "g2": g2,
        "files": files,
        "db": db,
        "other": other,
        "files_conn": files.connection,
        "db_conn": db.connection,
        "jdbc": jdbc_link.connection,
        "jdbc_link": jdbc_link,
        "secrets": secrets_link.connection,
        "secrets_link": secrets_link,
    }


Breaker = Callable[[], tuple[list[ResolvedGroup] | nx.MultiDiGraph, bool, set[Key]]]
BREAKERS: dict[str, Breaker] = {}


def breaks(rule_id: str) -> Callable[[Breaker], Breaker]:
    def register(func: Breaker) -> Breaker:
        BREAKERS[rule_id] = func
        return func

    return register


@breaks("SB001")
def _b001() -> Any:
    groups = clean_groups()
    groups[1].group.qualifiedName = ""
    return groups, False, {("SB001", "error", (f"guid:{guid('g2')}",))}


@breaks("SB002")
def _b002() -> Any:
    groups = clean_groups()
    p = parts(groups)
    p["files_conn"].endpoint.qualifiedName = "db::ep"
    return groups, False, {("SB002", "error", ("db::ep",))}


@breaks("SB003")
def _b003() -> Any:
    groups = clean_groups()
    p = parts(groups)
    archive = p["files"].catalogTargets[1]
    archive.relationship["guid"] = p["files"].registration.guid
    names = (
        "CATALOG_TARGET files::connector -> folder-b",
        "REGISTERED_INTEGRATION_CONNECTOR g1 -> files::connector",
    )
    return groups, False, {("SB003", "error", names)}


@breaks("SB004")
def _b004() -> Any:
    groups = clean_groups()
    p = parts(groups)
    files = p["files"]
    again = files.model_copy(
        update={
            "registration": files.registration.model_copy(
                update={"guid": guid("second registration"), "connectorName": "files-again"}
            )
        }
    )
    p["g1"].connectors.append(again)
    return groups, False, {("SB004", "error", ("g1", "files::connector"))}


@breaks("SB005")
def _b005() -> Any:
    groups = clean_groups()
    parts(groups)["db"].registration.connectorName = None
    return groups, False, {("SB005", "error", ("g1", "db::connector"))}


@breaks("SB006")
def _b006() -> Any:
    groups = clean_groups()
    parts(groups)["other"].registration.connectorName = "files"
    return (
        groups,
        False,
        {
            ("SB006", "error", ("g1", "files::connector")),
            ("SB006", "error", ("g2", "other::connector")),
        },
    )


@breaks("SB007")
def _b007() -> Any:
    groups = clean_groups()
    parts(groups)["files"].registration.refreshTimeInterval = -5
    return groups, False, {("SB007", "error", ("g1", "files::connector"))}


@breaks("SB008")
def _b008() -> Any:
    groups = clean_groups()
    parts(groups)["files"].registration.startDate = datetime(2028, 1, 1, tzinfo=UTC)
    return groups, False, {("SB008", "error", ("g1", "files::connector"))}


@breaks("SB009")
def _b009() -> Any:
    groups = clean_groups()
    p = parts(groups)
    p["files"].registration.permittedSynchronization = "SIDEWAYS"
    p["files"].catalogTargets[1].relationship["deleteMethod"] = "SHRED"
    return (
        groups,
        False,
        {
            ("SB009", "error", ("g1", "files::connector")),
            ("SB009", "error", ("files::connector", "folder-b")),
        },
    )


@breaks("SB010")
def _b010() -> Any:
    groups = clean_groups()
    parts(groups)["other"].connection = None
    return groups, False, {("SB010", "error", ("other::connector",))}


@breaks("SB011")
def _b011() -> Any:
    groups = clean_groups()
    p = parts(groups)
    p["other"].additionalConnections = [connection("other::conn2", assets=["other::connector"])]
    return (
        groups,
        False,
        {("SB011", "error", ("other::connector", "other::conn", "other::conn2"))},
    )


@breaks("SB012")
def _b012() -> Any:
    groups = clean_groups()
    parts(groups)["other"].connection.assetQualifiedNames.append("someone-else")
    return (
        groups,
        False,
        {("SB012", "error", ("other::conn", "other::connector", "someone-else"))},
    )


@breaks("SB013")
def _b013() -> Any:
    groups = clean_groups()
    parts(groups)["jdbc"].connectorType = None
    return groups, False, {("SB013", "error", ("db::jdbc",))}


@breaks("SB014")
def _b014() -> Any:
    groups = clean_groups()
    parts(groups)["files_conn"].additionalConnectorTypes = [connector_type("extra::type")]
    return (
        groups,
        False,
        {("SB014", "error", ("files::conn", "extra::type", "files::conn::type"))},
    )


@breaks("SB015")
def _b015() -> Any:
    groups = clean_groups()
    parts(groups)["files_conn"].connectorType.properties["connectorProviderClassName"] = " "
    return groups, False, {("SB015", "error", ("files::conn::type",))}


@breaks("SB016")
def _b016() -> Any:
    groups = clean_groups()
    parts(groups)["files_conn"].additionalEndpoints = [element("files::ep2", "Endpoint")]
    return groups, False, {("SB016", "error", ("files::conn", "files::ep", "files::ep2"))}


@breaks("SB017")
def _b017() -> Any:
    groups = clean_groups()
    parts(groups)["jdbc"].typeName = "VirtualConnection"
    return groups, False, {("SB017", "error", ("db::jdbc",))}


@breaks("SB018")
def _b018() -> Any:
    groups = clean_groups()
    parts(groups)["db_conn"].typeName = "Connection"
    return groups, False, {("SB018", "error", ("db::conn", "db::jdbc", "db::secrets"))}


def self_embedding(conn: ConnectionView, key: str) -> EmbeddedConnectionView:
    """What resolution emits for a cycle: the repeated connection, not expanded again."""
    return EmbeddedConnectionView(
        guid=guid(key),
        connection=conn.model_copy(update={"embeddedConnections": []}),
        cycle=True,
    )


@breaks("SB019")
def _b019() -> Any:
    groups = clean_groups()
    conn = parts(groups)["db_conn"]
    conn.embeddedConnections.append(self_embedding(conn, "self"))
    return groups, False, {("SB019", "error", ("db::conn",))}


@breaks("SB020")
def _b020() -> Any:
    groups = clean_groups()
    p = parts(groups)
    p["db_conn"].embeddedConnections.append(embed(p["jdbc"], 0))
    return groups, False, {("SB020", "error", ("db::conn", "db::jdbc"))}


@breaks("SB021")
def _b021() -> Any:
    groups = clean_groups()
    parts(groups)["secrets_link"].position = 1
    return groups, False, {("SB021", "error", ("db::conn", "db::jdbc", "db::secrets"))}


@breaks("SB022")
def _b022() -> Any:
    # Resolution only follows catalog targets of registered connectors, so a CatalogTarget
    # from anything else (seen in a database snapshot) is added to the graph directly.
    graph = build_graph(clean_groups())
    start, end = guid("files::ep"), guid("folder-b")
    rel = guid("stray target")
    graph.add_edge(start, end, key=rel, type=CATALOG_TARGET, guid=rel, properties={})
    return graph, False, {("SB022", "error", ("files::ep", "folder-b"))}


@breaks("SB023")
def _b023() -> Any:
    groups = clean_groups()
    parts(groups)["files"].catalogTargets.append(target("landing", "folder-c"))
    return (
        groups,
        False,
        {("SB023", "warning", ("files::connector", "folder-a", "folder-c"))},
    )


@breaks("SB024")
def _b024() -> Any:
    groups = clean_groups()
    parts(groups)["files"].catalogTargets[1].relationship["connectionName"] = "nope"
    return groups, False, {("SB024", "warning", ("files::connector", "folder-b"))}


@breaks("SB025")
def _b025() -> Any:
    groups = clean_groups()
    ct = parts(groups)["secrets"].connectorType
    ct.properties["connectorProviderClassName"] = GOOD_PROVIDER
    return groups, False, {("SB025", "error", ("db::conn", "db::secrets"))}


@breaks("SB026")
def _b026() -> Any:
    groups = clean_groups()
    parts(groups)["secrets"].properties["configurationProperties"] = {}
    return groups, False, {("SB026", "error", ("db::conn", "db::secrets"))}


@breaks("SB027")
def _b027() -> Any:
    groups = clean_groups()
    parts(groups)["files_conn"].properties["clearPassword"] = "hunter2"
    return groups, False, {("SB027", "error", ("files::conn",))}


@breaks("SB028")
def _b028() -> Any:
    groups = clean_groups()
    parts(groups)["files_conn"].endpoint.typeName = "Asset"
    return groups, False, {("SB028", "error", ("files::conn", "files::ep"))}


@breaks("SB029")
def _b029() -> Any:
    groups = clean_groups()
    parts(groups)["files_conn"].connectorType.isProxy = True
    return groups, False, {("SB029", "warning", ("files::conn::type",))}


@breaks("SB030")
def _b030() -> Any:
    groups = clean_groups()
    ct = parts(groups)["files_conn"].connectorType
    ct.properties["connectorProviderClassName"] = "no_such_module_xyz:Provider"
    return groups, True, {("SB030", "error", ("files::conn::type",))}


@breaks("SB031")
def _b031() -> Any:
    groups = clean_groups()
    ct = parts(groups)["files_conn"].connectorType
    ct.properties["connectorProviderClassName"] = STORE_PROVIDER
    return groups, True, {("SB031", "error", ("files::conn::type",))}


@breaks("SB032")
def _b032() -> Any:
    groups = clean_groups()
    ct = parts(groups)["files_conn"].connectorType
    ct.properties["connectorProviderClassName"] = STRICT_PROVIDER
    return groups, True, {("SB032", "error", ("files::conn", "files::conn::type"))}


def run(subject: list[ResolvedGroup] | nx.MultiDiGraph, deep: bool) -> list[Finding]:
    if isinstance(subject, list):
        return validate_groups(subject, deep=deep)
    return validate_graph(subject, deep=deep)


# ------------------------------------------------------------------ tests
def test_every_rule_has_a_breaking_fixture() -> None:
    assert set(BREAKERS) == set(RULES)


def test_rule_metadata_is_complete() -> None:
    ids = list(RULES)
    assert ids == sorted(ids) and ids == [f"SB{n:03d}" for n in range(1, len(ids) + 1)]
    for current in RULES.values():
        assert current.severity in ("error", "warning")
        assert current.title and "\n" not in current.title
        assert len(current.explanation) > 20
        assert current.spec


@pytest.mark.parametrize("deep", [False, True])
def test_clean_groups_have_no_findings(deep: bool) -> None:
    assert validate_groups(clean_groups(), deep=deep) == []


@pytest.mark.parametrize("rule_id", sorted(BREAKERS))
def test_each_fixture_breaks_exactly_its_rule(rule_id: str) -> None:
    subject, deep, expected = BREAKERS[rule_id]()
    findings = run(subject, deep)
    assert keys(findings) == expected
    for f in findings:
        assert f.title == RULES[rule_id].title
        assert f.message and f.fix


def test_findings_name_the_group_connector_and_registration() -> None:
    groups = clean_groups()
    parts(groups)["files"].registration.refreshTimeInterval = -1
    (finding,) = validate_groups(groups)
    assert finding.group == "g1"
    assert finding.connector == "files"
    assert finding.registration == guid("reg:g1:files::connector:files")
    assert finding.relationship == finding.registration
    assert "-1" in finding.message
    assert findings_for_registration([finding], finding.registration) == [finding]
    assert has_errors([finding])


def test_element_findings_reach_every_connector_that_runs_the_element() -> None:
    groups = clean_groups()
    p = parts(groups)
    shared = connector_type("shared::type", provider="")
    p["files_conn"].connectorType = shared
    p["other"].connection.connectorType = shared
    findings = validate_groups(groups)
    assert {(f.rule, f.group, f.connector) for f in findings} == {
        ("SB015", "g1", "files"),
        ("SB015", "g2", "other"),
    }
    assert {f.elements for f in findings} == {("shared::type",)}


def test_all_findings_are_returned_not_only_the_first() -> None:
    groups = clean_groups()
    p = parts(groups)
    p["files"].registration.refreshTimeInterval = -1
    p["db"].registration.connectorName = None
    p["other"].connection = None
    p["files_conn"].properties["clearPassword"] = "hunter2"
    assert {f.rule for f in validate_groups(groups)} == {"SB007", "SB005", "SB010", "SB027"}


def test_plaintext_secret_value_is_never_shown() -> None:
    groups = clean_groups()
    p = parts(groups)
    p["files_conn"].properties["securedProperties"] = {"password": "s3cr3t-value"}
    p["files_conn"].properties["configurationProperties"] = {"accessToken": "tok-123"}
    (finding,) = validate_groups(groups)
    assert finding.rule == "SB027"
    dumped = json.dumps(finding.as_dict())
    assert "s3cr3t-value" not in dumped and "tok-123" not in dumped
    assert "securedProperties.password" in finding.message
    assert "configurationProperties.accessToken" in finding.message


def test_secret_reference_to_unknown_purpose_is_plaintext() -> None:
    groups = clean_groups()
    parts(groups)["db_conn"].properties["securedProperties"] = {"password": "vaultx:pw"}
    assert keys(validate_groups(groups)) == {("SB027", "error", ("db::conn",))}


def test_negative_position_is_reported() -> None:
    groups = clean_groups()
    parts(groups)["jdbc_link"].position = -2
    (finding,) = validate_groups(groups)
    assert (finding.rule, finding.elements) == ("SB021", ("db::conn", "db::jdbc"))
    assert finding.relationship == parts(groups)["jdbc_link"].guid


def test_guid_shared_by_two_elements_is_reported() -> None:
    groups = clean_groups()
    parts(groups)["files_conn"].endpoint.guid = guid("db::ep")
    findings = validate_groups(groups)
    assert ("SB003", "error", ("db::ep", "files::ep")) in keys(findings)


def test_registration_without_guid_is_reported() -> None:
    groups = clean_groups()
    parts(groups)["other"].registration.guid = ""
    assert keys(validate_groups(groups)) == {
        ("SB003", "error", ("REGISTERED_INTEGRATION_CONNECTOR g2 -> other::connector",))
    }


# ------------------------------------------------------------------ cycles
def chain(n: int, *, close: bool) -> tuple[list[ResolvedGroup], list[str]]:
    """c0000 -> c0001 -> ... -> c(n-1), closed back to c0000 when ``close``."""
    names = [f"c{i:04d}" for i in range(n)]
    if close:
        last = connection(names[-1], virtual=True)
        tail: ConnectionView = last
    else:
        last = connection(names[-1])
        tail = last
    for name in reversed(names[:-1]):
        tail = connection(name, virtual=True, embedded=[embed(tail, 1)])
    root = tail
    if close:
        last.embeddedConnections.append(
            EmbeddedConnectionView(
                guid=guid("closing"),
                position=1,
                connection=root.model_copy(update={"embeddedConnections": []}),
                cycle=True,
            )
        )
    return [group("g", [connector("g", "looping", root)])], names


@pytest.mark.parametrize("length", range(1, 51))
def test_cycles_are_reported_with_members_in_order(length: int) -> None:
    groups, names = chain(length, close=True)
    (finding,) = validate_groups(groups)
    assert finding.rule == "SB019"
    assert finding.elements == tuple(names)
    assert finding.relationship == guid("closing")
    assert finding.connector == "looping"


def test_deep_chains_do_not_recurse() -> None:
    groups, _ = chain(3000, close=False)
    assert validate_groups(groups) == []
    groups, names = chain(3000, close=True)
    (finding,) = validate_groups(groups)
    assert finding.rule == "SB019"
    assert finding.elements == tuple(names)
    assert finding.relationship == guid("closing")
    assert finding.connector == "looping"
    assert finding.message.startswith("embedding cycle of 3000 connections: c0000 -> c0001 -> ")
    assert finding.message.endswith(" -> c2999 -> c0000")


def test_a_short_cycle_inside_a_long_chain_is_found_alone() -> None:
    graph = build_graph(chain(3000, close=False)[0])
    # c1002 -> c1000 closes a ring of three, 1,000 connections above and 2,000 below it
    key = guid("closing")
    graph.add_edge(
        guid("c1002"),
        guid("c1000"),
        key=key,
        type=EMBEDDED_CONNECTION,
        guid=key,
        properties={"position": 2},
    )
    (finding,) = validate_graph(graph)
    assert finding.rule == "SB019"
    assert finding.elements == ("c1000", "c1001", "c1002")
    assert finding.relationship == key
    assert finding.connector == "looping"


def test_cycle_members_start_at_the_smallest_name_and_follow_the_embedding() -> None:
    graph = build_graph(chain(3, close=False)[0])
    # add c0002 -> c0000 and a chord c0001 -> c0000: the shortest ring through c0000 is shown
    for i, (u, v) in enumerate([("c0002", "c0000"), ("c0001", "c0000")]):
        key = guid(f"extra{i}")
        graph.add_edge(
            guid(u),
            guid(v),
            key=key,
            type=EMBEDDED_CONNECTION,
            guid=key,
            properties={"position": 2},
        )
    findings = [f for f in validate_graph(graph) if f.rule == "SB019"]
    assert [f.elements for f in findings] == [("c0000", "c0001")]
    assert "3 connections are caught" in findings[0].message


# ------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups_strategy())
def test_random_valid_groups_have_no_findings(drawn: Drawn) -> None:
    assert validate_groups(drawn.groups, deep=True) == []


def _fresh(data: st.DataObject, kind: str) -> str:
    return f"injected-{kind}-{data.draw(st.integers(0, 10**6))}"


def _pick(data: st.DataObject, items: list[Any]) -> Any:
    return items[data.draw(st.integers(0, len(items) - 1))]


Injector = Callable[[Drawn, st.DataObject], None]


def _top_types(d: Drawn) -> list[Any]:
    return [c.connection.connectorType for c in d.connectors if c.connection is not None]


def _dup_connector(d: Drawn, data: st.DataObject) -> None:
    grp = _pick(data, d.groups)
    view = _pick(data, grp.connectors)
    reg = view.registration.model_copy(
        update={"guid": guid(_fresh(data, "reg")), "connectorName": _fresh(data, "name")}
    )
    grp.connectors.append(view.model_copy(update={"registration": reg}))


def _rename_connector(d: Drawn, data: st.DataObject) -> None:
    i, j = data.draw(
        st.lists(st.integers(0, len(d.connectors) - 1), min_size=2, max_size=2, unique=True)
    )
    a, b = d.connectors[i], d.connectors[j]
    b.registration.connectorName = a.registration.connectorName


def _second_endpoint(d: Drawn, data: st.DataObject) -> None:
    conn = _pick(data, d.connections)
    conn.endpoint = conn.endpoint or element(_fresh(data, "ep1"), "Endpoint")
    conn.additionalEndpoints = [element(_fresh(data, "ep2"), "Endpoint")]


def _self_embed(d: Drawn, data: st.DataObject) -> None:
    conn = _pick(data, d.virtual)
    conn.embeddedConnections.append(self_embedding(conn, _fresh(data, "self")))


def _embed_twice(d: Drawn, data: st.DataObject) -> None:
    conn = _pick(data, d.virtual)
    link = _pick(data, conn.embeddedConnections)
    conn.embeddedConnections.append(
        link.model_copy(
            update={"guid": guid(_fresh(data, "e")), "position": 0, "displayName": None}
        )
    )


def _same_target_name(d: Drawn, data: st.DataObject) -> None:
    view, t = _pick(data, d.targets)
    view.catalogTargets.append(target(str(t.name), _fresh(data, "folder")))


def _set(obj: Any, **values: Any) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


INJECTORS: dict[str, tuple[Callable[[Drawn], bool], Injector]] = {
    "SB001": (lambda d: True, lambda d, data: _set(_pick(data, d.groups).group, qualifiedName="")),
    "SB002": (
        lambda d: True,
        lambda d, data: _set(
            _pick(data, d.groups).group,
            qualifiedName=_pick(data, d.connectors).connector.qualifiedName,
        ),
    ),
    "SB003": (lambda d: True, lambda d, data: _set(_pick(data, d.connectors).connector, guid="")),
    "SB004": (lambda d: True, _dup_connector),
    "SB005": (
        lambda d: True,
        lambda d, data: _set(_pick(data, d.connectors).registration, connectorName=None),
    ),
    "SB006": (lambda d: len(d.connectors) > 1, _rename_connector),
    "SB007": (
        lambda d: True,
        lambda d, data: _set(
            _pick(data, d.connectors).registration,
            refreshTimeInterval=-data.draw(st.integers(1, 10**6)),
        ),
    ),
    "SB008": (
        lambda d: True,
        lambda d, data: _set(
            _pick(data, d.connectors).registration,
            startDate=datetime(2027, 1, 1, tzinfo=UTC),
            connectorShutdownDate=datetime(2026, 1, 1, tzinfo=UTC),
        ),
    ),
    "SB009": (
        lambda d: True,
        lambda d, data: _set(
            _pick(data, d.connectors).registration, permittedSynchronization="SIDEWAYS"
        ),
    ),
    "SB010": (lambda d: True, lambda d, data: _set(_pick(data, d.connectors), connection=None)),
    "SB011": (
        lambda d: True,
        lambda d, data: (
            lambda c: _set(
                c,
                additionalConnections=[
                    connection(_fresh(data, "conn"), assets=[c.connector.qualifiedName])
                ],
            )
        )(_pick(data, d.connectors)),
    ),
    "SB012": (
        lambda d: True,
        lambda d, data: _pick(data, d.connectors).connection.assetQualifiedNames.append(
            _fresh(data, "asset")
        ),
    ),
    "SB013": (lambda d: True, lambda d, data: _set(_pick(data, d.connections), connectorType=None)),
    "SB014": (
        lambda d: True,
        lambda d, data: _set(
            _pick(data, d.connections),
            additionalConnectorTypes=[connector_type(_fresh(data, "ct"))],
        ),
    ),
    "SB015": (
        lambda d: True,
        lambda d, data: _pick(data, d.connections).connectorType.properties.update(
            connectorProviderClassName=""
        ),
    ),
    "SB016": (lambda d: True, _second_endpoint),
    "SB017": (
        lambda d: bool(d.plain_leaves),
        lambda d, data: _set(_pick(data, d.plain_leaves), typeName="VirtualConnection"),
    ),
    "SB018": (
        lambda d: bool(d.virtual),
        lambda d, data: _set(_pick(data, d.virtual), typeName="Connection"),
    ),
    "SB019": (lambda d: bool(d.virtual), _self_embed),
    "SB020": (lambda d: bool(d.virtual), _embed_twice),
    "SB021": (
        lambda d: bool(d.embeddings),
        lambda d, data: _set(_pick(data, d.embeddings), position=-1),
    ),
    "SB023": (lambda d: bool(d.targets), _same_target_name),
    "SB024": (
        lambda d: bool(d.targets),
        lambda d, data: _pick(data, d.targets)[1].relationship.update(connectionName="nope"),
    ),
    "SB025": (
        lambda d: bool(d.stores),
        lambda d, data: _pick(data, d.stores)[1].connection.connectorType.properties.update(
            connectorProviderClassName=GOOD_PROVIDER
        ),
    ),
    "SB026": (
        lambda d: bool(d.stores),
        lambda d, data: _pick(data, d.stores)[1].connection.properties.update(
            configurationProperties={}
        ),
    ),
    "SB027": (
        lambda d: True,
        lambda d, data: _pick(data, d.connections).properties.update(clearPassword="hunter2"),
    ),
    "SB028": (
        lambda d: True,
        lambda d, data: _set(_pick(data, d.connections).connectorType, typeName="Endpoint"),
    ),
    "SB029": (
        lambda d: True,
        lambda d, data: _set(_pick(data, d.connections).connectorType, isProxy=True),
    ),
    "SB030": (
        lambda d: True,
        lambda d, data: _pick(data, d.connections).connectorType.properties.update(
            connectorProviderClassName="no_such_module_xyz:Provider"
        ),
    ),
    "SB031": (
        lambda d: True,
        lambda d, data: _pick(data, _top_types(d)).properties.update(
            connectorProviderClassName=STORE_PROVIDER
        ),
    ),
    "SB032": (
        lambda d: True,
        lambda d, data: _pick(data, _top_types(d)).properties.update(
            connectorProviderClassName=STRICT_PROVIDER
        ),
    ),
}
"""Defects injectable into any random valid configuration. SB022 (a CatalogTarget from a
non-connector) cannot be expressed by resolved groups alone; its fixture edits the graph."""


def test_injectors_cover_every_rule_but_sb022() -> None:
    assert set(INJECTORS) | {"SB022"} == set(RULES)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups_strategy(), st.data())
def test_one_injected_defect_gives_exactly_its_rule(drawn: Drawn, data: st.DataObject) -> None:
    applicable = sorted(rule_id for rule_id, (ok, _) in INJECTORS.items() if ok(drawn))
    rule_id = data.draw(st.sampled_from(applicable), label="rule")
    INJECTORS[rule_id][1](drawn, data)
    findings = validate_groups(drawn.groups, deep=True)
    assert {f.rule for f in findings} == {rule_id}
    assert all(f.severity == RULES[rule_id].severity for f in findings)


def test_deep_checks_load_providers_through_the_daemon_registry() -> None:
    from engine import ProviderLoadError
    from engine.providers import ConnectorProvider, SecretsStoreProvider, load_provider
    from engine.validate import is_integration_provider

    provider = load_provider(GOOD_PROVIDER)
    assert isinstance(provider, ConnectorProvider)
    assert is_integration_provider(provider)[0]
    assert is_integration_provider(type(provider))[0]
    assert not is_integration_provider(SecretsStoreProvider)[0]
    with pytest.raises(ProviderLoadError, match="no_such_module_xyz"):
        load_provider("no_such_module_xyz:Provider")


@pytest.mark.parametrize(
    "rule_id", sorted(r for r, breaker in BREAKERS.items() if isinstance(breaker()[0], list))
)
def test_plain_data_and_networkx_give_the_findings_views_give(rule_id: str) -> None:
    """The same groups as views, as their plain data (what the CLI validates, without
    pydantic) and as a networkx graph give equal findings, messages and order included."""
    subject, deep, _ = BREAKERS[rule_id]()
    assert isinstance(subject, list)
    from_views = validate_groups(subject, deep=deep)
    plain = [g.model_dump() for g in subject]
    assert all(type(g) is dict for g in plain)
    assert validate_groups(plain, deep=deep) == from_views
    assert validate_graph(build_graph(subject), deep=deep) == from_views
    assert from_views  # each fixture breaks its rule


def test_a_finding_round_trips_through_its_document() -> None:
    groups = clean_groups()
    parts(groups)["files"].registration.refreshTimeInterval = -1
    (finding,) = validate_groups(groups)
    document = json.loads(json.dumps(finding.as_dict()))
    assert document["elements"] == list(finding.elements) and document["rule"] == "SB007"
    assert Finding.from_dict(document) == finding
    with pytest.raises(ValueError, match="severity"):
        Finding.from_dict({**document, "severity": "fatal"})


def test_validating_nothing_finds_nothing() -> None:
    assert validate_groups([]) == []
    assert validate_groups([group("empty", [])]) == []


def test_graph_filled_in_bulk_equals_one_built_through_the_public_api() -> None:
    graph = build_graph(clean_groups())
    public = nx.MultiDiGraph(**graph.graph)
    public.add_nodes_from(graph.nodes(data=True))
    public.add_edges_from(graph.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(graph, public)
    assert graph.number_of_edges() == public.number_of_edges() > 10
    for node in graph:
        assert graph.pred[node] == public.pred[node]
        for succ in graph.adj[node]:
            assert graph._adj[node][succ] is graph._pred[succ][node]  # one key dict per pair
    # later changes through the public API keep both directions in step
    u, v = next(iter(graph.edges()))
    graph.add_edge(u, v, key="extra", type=EMBEDDED_CONNECTION, guid="extra", properties={})
    assert "extra" in graph.pred[v][u]
    graph.remove_node(v)
    assert all(v not in graph.adj[n] for n in graph)
