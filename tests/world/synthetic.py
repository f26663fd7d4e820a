"""A reproducible synthetic graph of integration groups, bulk-loaded through the graph writer.

Shape per group (the defaults are the resolution benchmark's): ``connectors_per_group``
connectors, each registered once, each with one connection that has a connector type (from
a shared pool) and its own endpoint; every ``virtual_every``-th connector (20%) has a
VirtualConnection embedding two connections (each with connector type and endpoint); every
connector has ``targets_per_connector`` catalog targets on FileFolder elements from a pool
per group. Rows follow :mod:`tests.world.rows` (guids uuid5 of the qualifiedName in this
world's namespace, fixed times, written by ``bench``), so two loads of the same spec produce
the same graph.

Load a part of the graph (``groups=range(0, 10)``), measure, then load the rest
(``groups=range(10, 1000)``) to compare a small and a big graph with identical measured
groups. The rows are written by the graph writer's bulk loads (``bulk_create_elements``,
``bulk_create_relationships``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.graph import Store
from engine.graph.writer import (
    bulk_create_elements,
    bulk_create_relationships,
    wipe_database_batched,
)
from tests.world.rows import element_row, relationship_row, stable_guid

NAMESPACE = uuid.UUID("0c9a1f55-4b6e-4d1e-9d7c-2f3b7a1e5c42")
USER = "bench"
"""Who created and last updated every element and relationship of the synthetic graph."""
Progress = Callable[[str], None]
WIPE_TIMEOUT = 3600.0
"""Seconds a batched wipe of a synthetic graph (up to millions of elements) may take."""


def synthetic_guid(key: str) -> str:
    """The guid of a qualifiedName or relationship key in the synthetic graph."""
    return stable_guid(NAMESPACE, key)


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


@dataclass
class _Rows:
    nodes: list[dict[str, Any]]
    rels: list[dict[str, Any]]

    def node(self, type_name: str, qn: str, **props: Any) -> str:
        g = synthetic_guid(qn)
        self.nodes.append(element_row(type_name, qn, g, props, user=USER))
        return g

    def rel(self, relationship: str, start: str, end: str, key: str, **props: Any) -> None:
        self.rels.append(
            relationship_row(relationship, start, end, synthetic_guid(key), props, user=USER)
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
        ct = synthetic_guid(connector_type_qualified_name(n % spec.connector_types))
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


def load_synthetic(
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


def wipe_synthetic(store: Store) -> None:
    """Delete everything, in batches (safe for a million elements)."""
    wipe_database_batched(store, timeout=WIPE_TIMEOUT)
