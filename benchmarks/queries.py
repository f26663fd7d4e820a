"""The benchmarks' own statements (floors, OGM-style reads, flat resolution variants) in
benchmarks/cypher/, run through the store's driver with the same Query metadata the store
uses. The graphs they run on come from :mod:`tests.world`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from neo4j import Query, RoutingControl

from engine.graph import APP_NAME, Store

CYPHER_DIR = Path(__file__).parent / "cypher"


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
