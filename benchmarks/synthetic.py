"""A reproducible synthetic graph of integration groups, bulk-loaded with UNWIND.

Shape per group (defaults match issue 4's benchmark): ``connectors_per_group``
connectors, each registered once, each with one connection that has a connector
type (from a shared pool) and its own endpoint; every ``virtual_every``-th
connector (20%) has a VirtualConnection embedding two connections (each with
connector type and endpoint); every connector has ``targets_per_connector``
catalog targets on FileFolder elements from a pool per group. Properties follow
engine/graph/graphmap.py exactly (maps as JSON text plus flattened keys, audit fields,
``typeName``), guids are uuid5 of the qualifiedName, so two loads of the same
spec produce the same graph.

Load a part of the graph (``groups=range(0, 10)``), measure, then load the rest
(``groups=range(10, 1000)``) to compare a small and a big graph with identical
measured groups. The validation benchmark uses the same generator.

The rows are written by the graph writer's bulk loads (engine.graph.writer:
bulk_create_elements, bulk_create_relationships); the benchmarks' own queries
(floors, OGM-style reads) live in benchmarks/cypher/ and run through the store's
driver with the same Query metadata the store uses.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from neo4j import Query, RoutingControl

from engine.graph.graphmap import encode_properties
from engine.graph.store import APP_NAME, Store
from engine.graph.writer import (
    bulk_create_elements,
    bulk_create_relationships,
    wipe_database_batched,
)
from engine.typesystem import RELATIONSHIP_TYPES, labels_for

CYPHER_DIR = Path(__file__).parent / "cypher"
NAMESPACE = uuid.UUID("0c9a1f55-4b6e-4d1e-9d7c-2f3b7a1e5c42")
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
Progress = Callable[[str], None]
WIPE_TIMEOUT = 3600.0
"""Seconds a batched wipe of a benchmark graph (up to millions of elements) may take."""


@cache
def bench_query_text(name: str) -> str:
    return (CYPHER_DIR / f"{name}.cypher").read_text(encoding="utf-8")


def run_bench_query(
    store: Store, name: str, params: dict[str, Any] | None = None, *, write: bool = False
) -> list[dict[str, Any]]:
    """Run ``benchmarks/cypher/<name>.cypher`` exactly the way Store.read/write run theirs."""
    records, _, _ = store.driver.execute_query(
        Query(
            bench_query_text(name),
            metadata={"app": APP_NAME, "operation": f"bench:{name}"},
            timeout=600.0,
        ),
        params or {},
        routing_=RoutingControl.WRITE if write else RoutingControl.READ,
        database_=store.database,
    )
    return [record.data() for record in records]


def guid(qualified_name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, qualified_name))


@dataclass(frozen=True)
class SyntheticSpec:
    """How big the synthetic graph is."""

    groups: int = 1000
    connectors_per_group: int = 100
    virtual_every: int = 5
    """Every n-th connector has a VirtualConnection embedding two connections (5 = 20%)."""
    targets_per_connector: int = 3
    folders_per_group: int = 10
    connector_types: int = 50

    @property
    def connectors(self) -> int:
        return self.groups * self.connectors_per_group


def group_qualified_name(index: int) -> str:
    return f"bench.group.{index:04d}"


def _audit() -> dict[str, Any]:
    return {
        "version": 1,
        "createTime": BASE_TIME,
        "updateTime": BASE_TIME,
        "createdBy": "bench",
        "updatedBy": "bench",
    }


@dataclass
class _Rows:
    nodes: list[dict[str, Any]]
    rels: list[dict[str, Any]]

    def node(self, type_name: str, qn: str, **props: Any) -> str:
        g = guid(qn)
        self.nodes.append(
            {
                "labels": list(labels_for(type_name)),
                "props": encode_properties(
                    {"guid": g, "qualifiedName": qn, "typeName": type_name, **_audit(), **props}
                ),
            }
        )
        return g

    def rel(self, relationship: str, start: str, end: str, key: str, **props: Any) -> None:
        self.rels.append(
            {
                "type": RELATIONSHIP_TYPES[relationship],
                "from": start,
                "to": end,
                "props": encode_properties({"guid": guid(key), **_audit(), **props}),
            }
        )


def connector_type_qualified_name(index: int) -> str:
    return f"bench.connector-type.{index:02d}"


def _shared_rows(spec: SyntheticSpec) -> _Rows:
    rows = _Rows([], [])
    for k in range(spec.connector_types):
        rows.node(
            "ConnectorType",
            connector_type_qualified_name(k),
            displayName=f"Connector type {k}",
            connectorProviderClassName=f"bench.providers.Provider{k:02d}",
            recognizedConfigurationProperties=["directory", "batchSize"],
        )
    return rows


def _group_rows(spec: SyntheticSpec, i: int) -> _Rows:
    rows = _Rows([], [])
    gqn = group_qualified_name(i)
    g = rows.node("IntegrationGroup", gqn, displayName=f"Group {i}")
    folders = [
        rows.node("FileFolder", f"{gqn}.folder.{f:02d}", pathName=f"/data/{i}/{f}")
        for f in range(spec.folders_per_group)
    ]

    def connection(qn: str, type_name: str, n: int) -> str:
        c = rows.node(
            type_name,
            qn,
            configurationProperties={"directory": f"/data/{qn}", "batchSize": 100},
        )
        ct = guid(connector_type_qualified_name(n % spec.connector_types))
        rows.rel("ConnectionConnectorType", c, ct, f"{qn}/type")
        ep = rows.node("Endpoint", f"{qn}.endpoint", networkAddress=f"file:///data/{qn}")
        rows.rel("ConnectToEndpoint", c, ep, f"{qn}/endpoint")
        return c

    for j in range(spec.connectors_per_group):
        cqn = f"{gqn}.connector.{j:03d}"
        n = i * spec.connectors_per_group + j
        c = rows.node("IntegrationConnector", cqn, usesBlockingCalls=False, resourceName=cqn)
        rows.rel(
            "RegisteredIntegrationConnector",
            g,
            c,
            f"{cqn}/registration",
            connectorName=f"g{i:04d}-c{j:03d}",
            refreshTimeInterval=60,
            generateConnectorActivityReports=True,
            permittedSynchronization="FROM_THIRD_PARTY",
        )
        virtual = spec.virtual_every > 0 and j % spec.virtual_every == 0
        root = connection(f"{cqn}.connection", "VirtualConnection" if virtual else "Connection", n)
        rows.rel("AssetConnection", c, root, f"{cqn}/asset-connection")
        if virtual:
            for e in (1, 2):
                child = connection(f"{cqn}.connection.embedded{e}", "Connection", n + e)
                rows.rel(
                    "EmbeddedConnection",
                    root,
                    child,
                    f"{cqn}/embedded{e}",
                    position=e,
                    displayName=f"part{e}",
                    arguments={"role": f"part{e}"},
                )
        for t in range(spec.targets_per_connector):
            folder = folders[(j + t) % len(folders)]
            rows.rel(
                "CatalogTarget",
                c,
                folder,
                f"{cqn}/target{t}",
                catalogTargetName=f"target{t}",
                configurationProperties={"directory": f"/data/{i}/{j}/{t}"},
            )
    return rows


def _batches(items: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load(store: Store, rows: _Rows, batch: int) -> tuple[int, int]:
    nodes = rels = 0
    for chunk in _batches(rows.nodes, batch):
        nodes += bulk_create_elements(store, chunk)
    for chunk in _batches(rows.rels, batch):
        rels += bulk_create_relationships(store, chunk)
    return nodes, rels


@dataclass(frozen=True)
class LoadStats:
    nodes: int
    relationships: int
    seconds: float


def load(
    store: Store,
    spec: SyntheticSpec,
    groups: Iterable[int],
    *,
    with_shared: bool = True,
    batch: int = 5000,
    groups_per_round: int = 20,
    progress: Progress | None = None,
) -> LoadStats:
    """Create the given groups (and, with ``with_shared``, the connector-type pool).

    Needs the schema (unique guid index) for the relationship MATCHes to be fast.
    """
    started = time.perf_counter()
    nodes = rels = 0
    if with_shared:
        n, r = _load(store, _shared_rows(spec), batch)
        nodes, rels = nodes + n, rels + r
    pending = _Rows([], [])
    done = 0
    indexes = list(groups)
    for count, i in enumerate(indexes, 1):
        part = _group_rows(spec, i)
        pending.nodes.extend(part.nodes)
        pending.rels.extend(part.rels)
        if count % groups_per_round == 0 or count == len(indexes):
            n, r = _load(store, pending, batch)
            nodes, rels = nodes + n, rels + r
            pending = _Rows([], [])
            done = count
            if progress:
                progress(f"loaded {done}/{len(indexes)} groups ({nodes} nodes, {rels} rels)")
    return LoadStats(nodes, rels, time.perf_counter() - started)


def wipe(store: Store) -> None:
    """Delete everything, in batches (safe for a million elements)."""
    wipe_database_batched(store, timeout=WIPE_TIMEOUT)
