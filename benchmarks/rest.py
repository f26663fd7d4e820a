"""Benchmark: the metadata server's REST API beside the in-process engine (issue 18).

Runs ``switchboard serve`` as its own process on loopback against an embedded instance
(default ``bench-rest``, wiped by this benchmark) and measures, side by side in one run:

* creating ``--groups`` x ``--per-group`` connectors (default 10 x 100 = 1,000, each with its
  connection, endpoint, registration and two catalog targets) as one JSON manifest: through
  ``POST /api/v1/apply`` (the native batch apply) and in-process with the engine's own steps
  (``documents_from_text``, ``parse_document``, ``apply_documents`` with the structural
  validation the server runs too), into the wiped database each time, alternating, repeated
  ``--applies`` times (default 7: on a shared machine single applies now and then take twice
  as long, on either side, and a median of 3 can land on one): the median of each and the
  ratio (target: REST within 1.5x);
* resolving one group of ``--per-group`` connectors: ``GET /api/v1/groups/{name}`` against
  the in-process ``resolve_group`` + ``canonical_json`` (the same document) plus one HTTP
  round trip (``GET /health``), each the median of ``--iterations`` interleaved calls: the
  ratio REST / (in-process + round trip) (target: within 1.3x).

Every apply figure has its wall time, this process's CPU and the server process's CPU (from
/proc). Results are appended, with the command, to benchmarks/RESULTS.md.

    .venv/bin/python -m benchmarks.rest [--groups 10] [--per-group 100] [--applies 7]
        [--iterations 100] [--port 0]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.proc import cpu_seconds
from benchmarks.results import record_list
from engine import LocalNeo4j, Neo4jSettings
from engine.declare.manifest import (
    apply_documents,
    documents_from_text,
    parse_document,
    validate_in_transaction,
)
from engine.graph import Store, canonical_json, init_schema, resolve_group
from engine.graph.writer import wipe_database
from tests.world.manifests import group_doc, shared_doc


@dataclass(frozen=True)
class Timing:
    wall: float
    client: float
    server: float


def manifest_text(groups: int, per_group: int) -> str:
    """One JSON manifest declaring ``groups`` groups of ``per_group`` connectors."""
    document: dict[str, Any] = dict(shared_doc())
    document["integrationGroups"] = [
        group_doc(g, per_group)["integrationGroups"][0] for g in range(groups)
    ]
    return json.dumps(document)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(settings: Neo4jSettings, port: int) -> Iterator[tuple[str, int]]:
    """``switchboard serve`` on ``port`` as a child process: its URL and pid."""
    env = {
        **os.environ,
        "NEO4J_URI": settings.uri or "",
        "NEO4J_USERNAME": settings.username,
        "NEO4J_PASSWORD": settings.password or "",
    }
    switchboard = Path(sys.executable).with_name("switchboard")
    process = subprocess.Popen(
        [str(switchboard), "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the metadata server did not start")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(10)


def timed(work: Callable[[], object], server_pid: int | None) -> Timing:
    client0, server0, wall0 = time.process_time(), cpu_seconds(server_pid), time.perf_counter()
    work()
    return Timing(
        time.perf_counter() - wall0,
        time.process_time() - client0,
        cpu_seconds(server_pid) - server0,
    )


def apply_in_process(store: Store, text: str) -> None:
    docs = [parse_document(s, d) for s, d in documents_from_text(text, "bench", is_json=True)]
    apply_documents(store, docs, validator=validate_in_transaction)


def apply_over_rest(http: httpx.Client, text: str) -> None:
    response = http.post(
        "/api/v1/apply", content=text, headers={"content-type": "application/json"}
    )
    if response.status_code != 200:
        raise SystemExit(f"REST apply failed: {response.status_code} {response.text[:500]}")


def median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings),
        statistics.median(t.client for t in timings),
        statistics.median(t.server for t in timings),
    )


def measure_applies(
    store: Store, http: httpx.Client, text: str, applies: int, server_pid: int
) -> tuple[Timing, Timing]:
    """The median in-process and REST apply into the wiped database, alternating."""
    local: list[Timing] = []
    remote: list[Timing] = []
    for _ in range(applies):
        wipe_database(store)
        local.append(timed(lambda: apply_in_process(store, text), server_pid))
        wipe_database(store)
        remote.append(timed(lambda: apply_over_rest(http, text), server_pid))
    return median(local), median(remote)


def measure_resolves(
    store: Store, http: httpx.Client, group: str, iterations: int
) -> tuple[float, float, float]:
    """Median seconds of the in-process resolve, the REST resolve and one round trip."""
    local: list[float] = []
    remote: list[float] = []
    trips: list[float] = []
    expected = canonical_json(resolve_group(store, group))
    if http.get(f"/api/v1/groups/{group}").text != expected:
        raise SystemExit("the REST resolve differs from the in-process one")
    for _ in range(iterations):
        began = time.perf_counter()
        canonical_json(resolve_group(store, group))
        local.append(time.perf_counter() - began)
        began = time.perf_counter()
        http.get(f"/api/v1/groups/{group}")
        remote.append(time.perf_counter() - began)
        began = time.perf_counter()
        http.get("/health")
        trips.append(time.perf_counter() - began)
    return statistics.median(local), statistics.median(remote), statistics.median(trips)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rest", description=__doc__)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--per-group", type=int, default=100)
    parser.add_argument("--applies", type=int, default=7)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--instance", default="bench-rest")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)

    local = LocalNeo4j(instance=args.instance)
    settings = Neo4jSettings(uri=local.start().uri, username="neo4j", password=local.password())
    store = Store.connect(settings)
    init_schema(store)
    text = manifest_text(args.groups, args.per_group)
    connectors = args.groups * args.per_group
    load_start = os.getloadavg()[0]
    with (
        served(settings, args.port or free_port()) as (url, pid),
        httpx.Client(base_url=url, timeout=600) as http,
    ):
        in_process, rest = measure_applies(store, http, text, max(1, args.applies), pid)
        group = "bench:group:000"
        resolved, over_rest, trip = measure_resolves(store, http, group, args.iterations)
    store.close()
    report(args, argv, connectors, load_start, (in_process, rest), (resolved, over_rest, trip))


def report(
    args: argparse.Namespace,
    argv: list[str] | None,
    connectors: int,
    load_start: float,
    applies: tuple[Timing, Timing],
    resolves: tuple[float, float, float],
) -> None:
    in_process, rest = applies
    resolved, over_rest, trip = resolves

    def apply_text(t: Timing) -> str:
        return (
            f"{t.wall:.2f} s = {connectors / t.wall:,.0f} connectors/s "
            f"(client CPU {t.client:.2f} s, server process CPU {t.server:.2f} s)"
        )

    lines = [
        f"load average (1 min) at start / end: {load_start:.1f} / {os.getloadavg()[0]:.1f}",
        f"apply of {connectors} connectors in-process, median of {args.applies}: "
        f"{apply_text(in_process)}",
        f"apply of {connectors} connectors over REST (POST /api/v1/apply), median of "
        f"{args.applies}: {apply_text(rest)}",
        f"ratio apply REST / in-process: {rest.wall / in_process.wall:.2f}x (target 1.5x)",
        f"resolve of a {args.per_group}-connector group, median of {args.iterations}: "
        f"in-process {resolved * 1000:.1f} ms, over REST {over_rest * 1000:.1f} ms, "
        f"one HTTP round trip (GET /health) {trip * 1000:.2f} ms",
        f"ratio resolve REST / (in-process + round trip): "
        f"{over_rest / (resolved + trip):.2f}x (target 1.3x)",
    ]
    for line in lines:
        print(line)
    if not args.no_record:
        record_list(
            "REST API beside the engine",
            "benchmarks.rest",
            argv,
            lines,
            setting="client, server and Neo4j on one machine, ",
        )


if __name__ == "__main__":
    main()
