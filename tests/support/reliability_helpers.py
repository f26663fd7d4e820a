"""Shared pieces of the reliability tests: hostile strings, builders, graph checksums."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from engine import Neo4jSettings
from engine.graph import Store, init_schema
from engine.local import LocalNeo4j, free_port
from tests.support.egeria_helpers import dump


def instance_name(suffix: str = "") -> str:
    """The test instance's name: ``SWITCHBOARD_TEST_INSTANCE`` (default ``pytest``),
    with ``-<suffix>`` when given."""
    name = os.environ.get("SWITCHBOARD_TEST_INSTANCE", "pytest")
    return f"{name}-{suffix}" if suffix else name


TEST_SERVER_CONF = {"internal.dbms.bolt.netty_server_shutdown_quiet_period": "0"}
"""Server settings of the test instances that tests stop and restart: Bolt's network
threads shut down without the 5 s quiet period per thread group, so a clean stop takes
under a second instead of about ten."""


class DedicatedServer:
    """A running embedded instance that a test may kill, stop and restart, with a
    store that is reconnected after each restart. Restarts keep the Bolt port (a test
    process pointed at it, such as a daemon, must find the server again)."""

    def __init__(self, local: LocalNeo4j) -> None:
        self.local = local
        self.port = local.status().port
        self.store = self._connect()

    def _settings(self) -> Neo4jSettings:
        return Neo4jSettings(uri=self.local.uri, password=self.local.password())

    def _connect(self) -> Store:
        store = Store.connect(self._settings())
        init_schema(store)
        return store

    def env(self) -> dict[str, str]:
        """The process environment pointed at this server."""
        return {
            **os.environ,
            "NEO4J_URI": self.local.uri,
            "NEO4J_USERNAME": "neo4j",
            "NEO4J_PASSWORD": self.local.password(),
        }

    def _start(self) -> None:
        LocalNeo4j(
            home=self.local.home,
            instance=self.local.instance,
            port=self.port,
            extra_conf=self.local.extra_conf,
        ).start()
        self.store = self._connect()

    def kill_and_restart(self) -> None:
        """SIGKILL the server, then start it again."""
        self.store.close()
        self.local.kill()
        self._start()

    def stop(self) -> None:
        """Stop the server cleanly (the store is closed until :meth:`start`)."""
        self.store.close()
        self.local.stop()

    def start(self) -> None:
        self._start()


@contextlib.contextmanager
def dedicated_server(suffix: str) -> Iterator[DedicatedServer]:
    """Start the instance ``<SWITCHBOARD_TEST_INSTANCE>-<suffix>`` (``pytest-<suffix>`` by
    default) on a free port other than the default 7687, yield it, stop it."""
    local = LocalNeo4j(
        instance=instance_name(suffix), port=free_port(), extra_conf=TEST_SERVER_CONF
    )
    local.start()
    server = DedicatedServer(local)
    try:
        yield server
    finally:
        server.store.close()
        local.stop()


FRAGMENTS = [
    "'",
    '"',
    "`",
    "{",
    "}",
    "\\",
    "$qn",
    "${x}",
    "{{x}}",
    "'}) MATCH (n) DETACH DELETE n //",
    '"}) RETURN 1 //',
    "` ) SET n:Hacked //",
    "n.`qualifiedName` = 'x'",
    "CALL db.clearQueryCaches()",
    "; DROP CONSTRAINT x",
    "/*",
    "*/",
    "//",
    ":",
    "::",
    ".",
    "- ",
    "? ",
    "&anchor",
    "*alias",
    "!!python/object:os.system",
    "%TAG",
    "#",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\u2028",
    "\u202e",
    "\ufeff",
    "é",
    "名前",
    "🔥",
    "null",
    "true",
    "NaN",
    "0x1F",
    "1e999",
    "env:",
    "file:",
]
"""Pieces that break naive quoting in Cypher, YAML, JSON, terminals and shells."""


def hostile_text(min_size: int = 1, *, huge: bool = True) -> st.SearchStrategy[str]:
    """Adversarial strings: fragments glued together, arbitrary unicode, or (``huge``)
    20-120 thousand characters."""
    glued = st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=6
    ).map("".join)
    big = st.tuples(st.sampled_from(FRAGMENTS), st.integers(20_000, 120_000)).map(
        lambda t: (t[0] * (t[1] // max(len(t[0]), 1)))[: t[1]]
    )
    options = [glued, glued, st.text(min_size=min_size, max_size=30)]
    if huge:
        options.append(big)
    return st.one_of(*options).filter(lambda s: len(s) >= min_size)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values (what a YAML or JSON file can hold), including wrong types."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(min_size=0),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(hostile_text(), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def deep(depth: int, kind: str) -> Any:
    """A value nested ``depth`` levels deep (lists or maps)."""
    value: Any = "bottom"
    for i in range(depth):
        value = [value] if kind == "list" else {f"k{i}": value}
    return value


def canonical(store: Store, *, volatile: tuple[str, ...] = ()) -> str:
    """The dump as canonical JSON text, leaving out the property names in ``volatile``."""
    data = dump(store)
    for part in data.values():
        for item in part.values():
            for name in volatile:
                item["props"].pop(name, None)
    return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)


def checksum(store: Store) -> str:
    """A hash of every node and relationship (labels/type, ends, properties)."""
    rows = store.read("db_snapshot")
    text = json.dumps(rows, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- archives
T0 = 1767225600000


def prim(value: Any) -> dict[str, Any]:
    type_name = {bool: "boolean", int: "long", float: "double", str: "string"}[type(value)]
    return {
        "class": "PrimitivePropertyValue",
        "instancePropertyCategory": "PRIMITIVE",
        "typeName": type_name,
        "primitiveDefCategory": "OM_PRIMITIVE_TYPE_" + type_name.upper(),
        "primitiveValue": value,
    }


def typed(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {
            "class": "MapPropertyValue",
            "instancePropertyCategory": "MAP",
            "mapValues": {
                "class": "InstanceProperties",
                "instanceProperties": {k: typed(v) for k, v in value.items()},
            },
        }
    if isinstance(value, list):
        return {
            "class": "ArrayPropertyValue",
            "instancePropertyCategory": "ARRAY",
            "arrayCount": len(value),
            "arrayValues": {
                "class": "InstanceProperties",
                "instanceProperties": {str(i): typed(v) for i, v in enumerate(value)},
            },
        }
    return prim(value)


def entity(guid: str, type_name: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "class": "EntityDetail",
        "type": {"class": "InstanceType", "typeDefName": type_name},
        "guid": guid,
        "createdBy": "archive",
        "createTime": T0,
        "version": 1,
        "properties": {
            "class": "InstanceProperties",
            "instanceProperties": {k: typed(v) for k, v in values.items()},
        },
        "status": "ACTIVE",
    }


def proxy_of(e: dict[str, Any]) -> dict[str, Any]:
    qn = e["properties"]["instanceProperties"]["qualifiedName"]
    return {
        "class": "EntityProxy",
        "guid": e["guid"],
        "type": dict(e["type"]),
        "uniqueProperties": {
            "class": "InstanceProperties",
            "instanceProperties": {"qualifiedName": qn},
        },
    }


def relationship(
    guid: str, type_name: str, one: dict[str, Any], two: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "class": "Relationship",
        "type": {"class": "InstanceType", "typeDefName": type_name},
        "guid": guid,
        "createdBy": "archive",
        "createTime": T0,
        "version": 1,
        "entityOneProxy": proxy_of(one),
        "entityTwoProxy": proxy_of(two),
        "properties": {
            "class": "InstanceProperties",
            "instanceProperties": {k: typed(v) for k, v in values.items()},
        },
        "status": "ACTIVE",
    }


def archive(entities: list[Any], relationships: list[Any], name: str = "hostile") -> dict[str, Any]:
    return {
        "class": "OpenMetadataArchive",
        "archiveProperties": {
            "class": "OpenMetadataArchiveProperties",
            "archiveGUID": "00000000-0000-4000-8000-00000000a000",
            "archiveName": name,
            "archiveType": "CONTENT_PACK",
            "creationDate": T0,
        },
        "archiveInstanceStore": {
            "class": "OpenMetadataArchiveInstanceStore",
            "entities": entities,
            "relationships": relationships,
        },
    }


def group_archive(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A group with one connector, its connection, connector type and a catalog target.

    ``values`` holds the strings to carry: qn_* (qualifiedNames), display, config (a map),
    connector_name, target_name, folder_props (a map of scalars).
    """

    def g(n: int) -> str:
        return f"{prefix}00000000-0000-4000-8000-{n:012d}"

    group = entity(
        g(1),
        "IntegrationGroup",
        {"qualifiedName": values["qn_group"], "displayName": values["display"]},
    )
    connector = entity(
        g(2),
        "IntegrationConnector",
        {"qualifiedName": values["qn_connector"], "description": values["display"]},
    )
    connection = entity(
        g(3),
        "Connection",
        {"qualifiedName": values["qn_connection"], "configurationProperties": values["config"]},
    )
    ctype = entity(
        g(4),
        "ConnectorType",
        {"qualifiedName": values["qn_ctype"], "connectorProviderClassName": "m:P"},
    )
    folder = entity(
        g(5), "FileFolder", {"qualifiedName": values["qn_folder"], **values["folder_props"]}
    )
    rels = [
        relationship(
            g(101),
            "RegisteredIntegrationConnector",
            group,
            connector,
            {"connectorName": values["connector_name"]},
        ),
        relationship(g(102), "AssetConnection", connector, connection, {}),
        relationship(g(103), "ConnectionConnectorType", connection, ctype, {}),
        relationship(
            g(104), "CatalogTarget", connector, folder, {"catalogTargetName": values["target_name"]}
        ),
    ]
    return archive([group, connector, connection, ctype, folder], rels)
