"""What connector leases cost, and how fast connectors move when a daemon dies.

    .venv/bin/python -m benchmarks.leases                      # 1,000 connectors, 4 daemons
    .venv/bin/python -m benchmarks.leases --connectors 200 --window 20

On an embedded instance of its own (``bench-leases``, wiped), it applies one group of
idle connectors (``benchmarks.idle_connectors``, hourly refreshes) and measures, as
``switchboard daemon run`` processes:

1. **quiet, one daemon without leases**: CPU (daemon + Neo4j, as cores) over a window
   once every connector runs - the floor;
2. **quiet, N daemons under leases**: the same over the same window, every connector held
   (heartbeats, one renewal statement per daemon per renew interval, the rounds);
3. **kill -9** of one of them: seconds until every connector has an unexpired lease of a
   live daemon again, beside lease + renew interval.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.idle_connectors import PROVIDER
from benchmarks.proc import cpu_seconds, server_pid
from benchmarks.results import publish, say
from engine import LocalNeo4j, Neo4jSettings
from engine.declare import manifest as mf
from engine.graph import Store, init_schema
from engine.graph.writer import wipe_database
from engine.local import free_port

ROOT = Path(__file__).resolve().parents[1]
GROUP = "bench.leases.group"


def manifest(connectors: int) -> dict[str, Any]:
    return {
        "connectorTypes": [
            {"qualifiedName": "bench.leases.type", "connectorProviderClassName": PROVIDER}
        ],
        "integrationGroups": [
            {
                "qualifiedName": GROUP,
                "connectors": [
                    {
                        "qualifiedName": f"bench.leases.connector.{i:05d}",
                        "registration": {
                            "connectorName": f"idle{i:05d}",
                            "refreshTimeInterval": 60,
                        },
                        "connection": {
                            "qualifiedName": f"bench.leases.connection.{i:05d}",
                            "connectorType": "bench.leases.type",
                        },
                    }
                    for i in range(connectors)
                ],
            }
        ],
    }


class Daemons:
    """``switchboard daemon run`` processes against the benchmark's server."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}

    def start(self, name: str, leases: dict[str, float] | None) -> None:
        config: dict[str, Any] = {
            "serverName": name,
            "groups": [GROUP],
            "workers": 16,
            "api": {"port": self.ports.setdefault(name, free_port())},
        }
        if leases is not None:
            config["leases"] = leases
        path = self.folder / f"{name}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        with (self.folder / f"{name}.log").open("w") as log:
            self.procs[name] = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("switchboard")),
                    "daemon",
                    "run",
                    "--config",
                    str(path),
                ],
                cwd=ROOT,
                env={**self.env, "PYTHONPATH": str(ROOT)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def waiting(self, name: str) -> int:
        """Connectors of daemon ``name`` in WAITING (started and refreshed), 0 until it serves."""
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.ports[name]}/status", timeout=10
            ) as r:
                doc = json.loads(r.read())
        except OSError:
            return 0
        return sum(1 for g in doc["groups"] for c in g["connectors"] if c["state"] == "WAITING")

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs.values() if p.poll() is None)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


def holders(store: Store) -> Counter[str]:
    """Unexpired leases per live daemon name (read directly, as an operator would)."""
    rows, _, _ = store.driver.execute_query(
        "MATCH (l:ConnectorLease) WHERE l.expiresAt > datetime.realtime() "
        "MATCH (d:Daemon {id: l.holder}) RETURN d.name AS name, count(l) AS held"
    )
    return Counter({r["name"]: r["held"] for r in rows})


def wait(what: str, predicate: Any, timeout: float = 600.0) -> float:
    began = time.monotonic()
    while not predicate():
        if time.monotonic() - began > timeout:
            raise SystemExit(f"not reached within {timeout:.0f} s: {what}")
        time.sleep(0.2)
    return time.monotonic() - began


def cores(daemons: Daemons, server: int | None, window: float) -> tuple[float, float]:
    """(daemons, Neo4j) CPU over ``window`` seconds, as cores."""
    d0, s0 = daemons.cpu(), cpu_seconds(server)
    time.sleep(window)
    return (daemons.cpu() - d0) / window, (cpu_seconds(server) - s0) / window


def report(
    args: argparse.Namespace,
    argv: list[str],
    single: tuple[float, float],
    shared: tuple[float, float],
    split: dict[str, int],
    moved: float,
) -> str:
    """The run as a RESULTS.md section: CPU of the daemons and of Neo4j, without leases
    (the floor) and under leases, side by side, and the move after a kill -9."""
    floor, leased = sum(single), sum(shared)
    return "\n".join(
        [
            f"## leases ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
            "",
            f"`python -m benchmarks.leases {shlex.join(argv)}`: {args.connectors} idle "
            f"connectors, {args.daemons} daemons under leases (lease {args.lease:g} s, renew "
            f"{args.renew:g} s) against one daemon without leases; CPU over {args.window:g} s "
            f"windows, in cores; load average at the end "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}.",
            "",
            "| | daemons | Neo4j | total | against the floor |",
            "|---|---|---|---|---|",
            f"| quiet, one daemon, no leases (floor) | {single[0]:.3f} | {single[1]:.3f} | "
            f"{floor:.3f} | 1.00x |",
            f"| quiet, {args.daemons} daemons under leases "
            f"({', '.join(f'{k} {v}' for k, v in sorted(split.items()))}) | {shared[0]:.3f} | "
            f"{shared[1]:.3f} | {leased:.3f} | {leased / floor:.2f}x |",
            "",
            f"`kill -9` of one daemon to every connector held by a live daemon again: "
            f"{moved:.1f} s (lease + renew = {args.lease + args.renew:g} s).",
        ]
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.leases", description=__doc__)
    parser.add_argument("--instance", default="bench-leases", help="embedded instance to use")
    parser.add_argument("--connectors", type=int, default=1000)
    parser.add_argument("--daemons", type=int, default=4)
    parser.add_argument("--window", type=float, default=30.0, help="seconds per CPU window")
    parser.add_argument("--lease", type=float, default=10.0, help="leaseSeconds")
    parser.add_argument("--renew", type=float, default=3.0, help="renewSeconds")
    parser.add_argument("--no-record", action="store_true", help="Do not append to RESULTS.md.")
    return parser.parse_args(argv)


def daemon_env(uri: str, password: str) -> dict[str, str]:
    """This process's environment, pointed at the benchmark's server."""
    return {
        **os.environ,
        "NEO4J_URI": uri,
        "NEO4J_USERNAME": "neo4j",
        "NEO4J_PASSWORD": password,
    }


def apply_connectors(store: Store, connectors: int) -> None:
    """Wipe the database and apply one group of ``connectors`` idle connectors."""
    init_schema(store)
    wipe_database(store)
    doc = mf.Document("bench", mf.Manifest.model_validate(manifest(connectors)))
    mf.apply_documents(store, [doc], force=True)


def measure_floor(
    daemons: Daemons, server: int | None, connectors: int, window: float
) -> tuple[float, float]:
    """CPU of one daemon without leases once every connector runs, then stop it."""
    say(f"{connectors} connectors applied; one daemon without leases")
    daemons.start("single", None)
    wait("every connector refreshed once", lambda: daemons.waiting("single") == connectors)
    time.sleep(5)
    single = cores(daemons, server, window)
    daemons.stop()
    return single


def measure_leased(
    daemons: Daemons, store: Store, server: int | None, args: argparse.Namespace
) -> tuple[tuple[float, float], Counter[str]]:
    """CPU of ``args.daemons`` daemons under leases once every connector is held, and
    how many connectors each holds."""
    leases = {"leaseSeconds": args.lease, "renewSeconds": args.renew}
    say(f"{args.daemons} daemons under leases")
    for i in range(args.daemons):
        daemons.start(f"d{i + 1}", leases)
    wait("every connector held", lambda: sum(holders(store).values()) == args.connectors)
    time.sleep(args.lease)
    shared = cores(daemons, server, args.window)
    return shared, holders(store)


def measure_move_after_kill(daemons: Daemons, store: Store, connectors: int) -> float:
    """Seconds from a ``kill -9`` of daemon ``d1`` until live daemons hold every connector."""
    victim = daemons.procs.pop("d1")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = time.monotonic()
    wait(
        "every connector held by a live daemon",
        lambda: sum(v for k, v in holders(store).items() if k != "d1") == connectors,
    )
    return time.monotonic() - killed_at


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    local = LocalNeo4j(instance=args.instance, port=free_port())
    result = local.start(progress=lambda m: say(f"  {m}"))
    store = Store.connect(
        Neo4jSettings(uri=result.uri, password=local.password(), query_timeout=600)
    )
    server = server_pid(local)
    folder = Path(tempfile.mkdtemp(prefix="bench-leases-"))
    daemons = Daemons(daemon_env(result.uri, local.password()), folder)
    try:
        apply_connectors(store, args.connectors)
        single = measure_floor(daemons, server, args.connectors, args.window)
        shared, split = measure_leased(daemons, store, server, args)
        moved = measure_move_after_kill(daemons, store, args.connectors)
    finally:
        daemons.stop()
        store.close()
        if not result.already_running:
            local.stop()
    publish(report(args, argv, single, shared, split, moved), record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
