"""Daemon endurance: 200 connectors for minutes through group edits and two Neo4j restarts.

A real daemon process (``switchboard daemon run --config``) runs 8 groups of 25
connectors of the provider in tests/support/endurance_connectors.py, on 1- and 2-minute
refresh intervals (the shortest the model has: whole minutes): per group 3 fail
at every start (INITIALIZE_FAILED, retried with backoff), 3 flap (every other refresh
raises; the test restarts them by name through the control API when they are
FAILED, as an operator would), 4 write an element to Neo4j on every refresh and 15
refresh without touching Neo4j. Meanwhile the test edits the groups with manifests
(adds connectors, removes connectors, changes connections' configuration) and stops
and restarts the dedicated Neo4j instance twice.

Asserted: the daemon process never exits (and exits 0 on SIGTERM at the end); its
resident memory at the end is within 20% + 40 MB of the figure after warm-up (both
printed); every healthy connector that no edit touched keeps its schedule (the number
of refreshes since warm-up matches its interval and the elapsed time, within one;
for connectors that need Neo4j the outage windows are excluded) and is never
restarted; the writers' elements hold exactly one version per successful refresh;
added connectors run, removed ones are forgotten and stop writing, changed ones are
restarted once and run with the new configuration.

Duration: ``SWITCHBOARD_ENDURANCE_SECONDS``. The default, 150 s, is what ``make test``
runs: every step, with room for each connector on a one-minute interval to refresh twice
after warm-up and for each flapping connector on a two-minute interval to fail once (its
second refresh comes some 130 s after the daemon starts). ``make soak`` runs the full ten
minutes (600), where the memory and schedule checks see some 25,000 refreshes. The
restarted instance is the test session's own (``restartable_server``).
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from engine.declare import manifest as mf
from engine.graph import find_element
from engine.graph.writer import wipe_database
from tests.support.endurance_connectors import out_qualified_name
from tests.support.reliability_helpers import DedicatedServer

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = "tests.support.endurance_connectors:EnduranceProvider"
CONNECTOR_TYPE = "endurance.connector-type"
DURATION = float(os.environ.get("SWITCHBOARD_ENDURANCE_SECONDS", "150"))
GROUPS = 8
PER_GROUP = 25
POLL_SECONDS = 2.0
OUTAGE_SECONDS = 20.0
RSS_GROWTH = 0.20
RSS_SLACK_MB = 40.0
"""Allowed growth of the daemon's resident memory between warm-up and the end: 20% plus
40 MB of allocator and driver-pool noise (a leak of even 1 kB per refresh would add
~25 MB over the full run's ~25,000 refreshes on top of its slope being visible)."""
HEALTHY = {"ok", "write"}


def mode_of(index: int) -> str:
    if index < 3:
        return "fail-start"
    if index < 6:
        return "flap"
    if index < 10:
        return "write"
    return "ok"


@dataclass
class Connector:
    name: str
    group: int
    mode: str
    minutes: int
    tag: str = "v1"


@dataclass
class Plan:
    """The connectors each group should have; edits change it and re-apply the group."""

    groups: dict[int, dict[str, Connector]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    """Connectors an edit added, changed or removed (left out of the schedule check)."""

    @classmethod
    def initial(cls) -> Plan:
        plan = cls()
        for g in range(GROUPS):
            plan.groups[g] = {}
            for j in range(PER_GROUP):
                plan.add(Connector(f"g{g}-c{j:02d}", g, mode_of(j), 1 + j % 2))
        return plan

    def add(self, c: Connector) -> None:
        self.groups[c.group][c.name] = c

    def all(self) -> dict[str, Connector]:
        return {n: c for group in self.groups.values() for n, c in group.items()}

    @staticmethod
    def group_name(g: int) -> str:
        return f"endurance.group.{g}"

    def manifest(self, groups: list[int]) -> dict[str, Any]:
        return {
            "connectorTypes": [
                {"qualifiedName": CONNECTOR_TYPE, "connectorProviderClassName": PROVIDER}
            ],
            "integrationGroups": [
                {
                    "qualifiedName": self.group_name(g),
                    "connectors": [
                        {
                            "qualifiedName": f"endurance.connector.{c.name}",
                            "registration": {
                                "connectorName": c.name,
                                "refreshTimeInterval": c.minutes,
                            },
                            "connection": {
                                "qualifiedName": f"endurance.connection.{c.name}",
                                "connectorType": CONNECTOR_TYPE,
                                "configurationProperties": {
                                    "mode": c.mode,
                                    "key": c.name,
                                    "tag": c.tag,
                                },
                            },
                        }
                        for c in sorted(self.groups[g].values(), key=lambda c: c.name)
                    ],
                }
                for g in groups
            ],
        }

    def apply(self, server: DedicatedServer, groups: list[int]) -> None:
        """Apply the given groups as they are in the plan (pruning what it no longer has)."""
        doc = mf.Document("endurance", mf.Manifest.model_validate(self.manifest(groups)))
        mf.apply_documents(server.store, [doc], prune=True, force=True)


class Daemon:
    """The daemon process and its control API."""

    def __init__(self, server: DedicatedServer, folder: Path) -> None:
        self.port = _free_port()
        config = {
            "serverName": "endurance",
            "groups": [Plan.group_name(g) for g in range(GROUPS)],
            "pollInterval": POLL_SECONDS,
            "workers": 16,
            "backoffBase": 2,
            "backoffCap": 20,
            "storeRetryInterval": 2,
            "refreshTimeout": 120,
            "api": {"port": self.port},
        }
        path = folder / "daemon.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        self.log_path = folder / "daemon.log"
        env = {**server.env(), "PYTHONPATH": str(ROOT)}
        switchboard = Path(sys.executable).with_name("switchboard")
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [str(switchboard), "daemon", "run", "--config", str(path)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Until the control API answers (the daemon loads its groups first)."""
        deadline = time.monotonic() + timeout
        while True:
            self.alive()
            try:
                self.call("/health")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def alive(self) -> None:
        code = self.proc.poll()
        assert code is None, f"the daemon exited with {code}:\n{self.log_tail()}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def connectors(self) -> dict[str, dict[str, Any]]:
        self.alive()
        status = self.call("/status")
        return {c["connectorName"]: c for g in status["groups"] for c in g["connectors"]}

    def health(self) -> str:
        self.alive()
        return str(self.call("/health")["status"])

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS for the daemon process")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
            raise AssertionError("the daemon did not stop within 120 s of SIGTERM") from None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _successes(c: dict[str, Any]) -> int:
    stats = c["statistics"]
    return int(stats["refreshes"]) - int(stats["refreshFailures"])


def _when(text: str | None) -> float:
    assert text, "no refresh recorded"
    return datetime.fromisoformat(text).timestamp()


class Operator:
    """Keeps an eye on the daemon while the test waits: the process is alive, and FAILED
    flapping connectors are restarted by name (the state machine keeps FAILED sticky)."""

    def __init__(self, daemon: Daemon, plan: Plan) -> None:
        self.daemon = daemon
        self.plan = plan
        self.restarts = 0

    def watch(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            self.tend()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(3.0, left))

    def tend(self) -> None:
        plan = self.plan.all()
        for name, c in self.daemon.connectors().items():
            if c["state"] == "FAILED" and name in plan and plan[name].mode == "flap":
                self.daemon.call("/restart", {"connector": name})
                self.restarts += 1

    def until(self, what: str, predicate: Callable[[], bool], timeout: float) -> float:
        """Wait (tending) until ``predicate`` holds; seconds it took."""
        began = time.monotonic()
        while not predicate():
            if time.monotonic() - began > timeout:
                raise AssertionError(
                    f"{what}: not within {timeout:.0f} s\n{self.daemon.log_tail()}"
                )
            self.tend()
            time.sleep(1.0)
        return time.monotonic() - began


@pytest.fixture
def endurance_server(restartable_server: DedicatedServer) -> DedicatedServer:
    if os.environ.get("NEO4J_URI"):
        pytest.fail("the endurance test stops and restarts an embedded instance; unset NEO4J_URI")
    return restartable_server


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.timeout(int(DURATION) + 1200)
def test_daemon_endurance(endurance_server: DedicatedServer, tmp_path: Path) -> None:
    server = endurance_server
    wipe_database(server.store)
    plan = Plan.initial()
    plan.apply(server, list(range(GROUPS)))
    began = time.monotonic()
    daemon = Daemon(server, tmp_path)
    op = Operator(daemon, plan)
    outages: list[float] = []
    follow: dict[str, float] = {}
    try:
        _run(server, daemon, op, plan, began, outages, follow)
        daemon.alive()
    finally:
        code = daemon.stop()
    assert code == 0, f"the daemon exited with {code} on SIGTERM:\n{daemon.log_tail()}"


def _status_ok(daemon: Daemon) -> Callable[[], bool]:
    return lambda: daemon.health() == "ok"


def _run(
    server: DedicatedServer,
    daemon: Daemon,
    op: Operator,
    plan: Plan,
    began: float,
    outages: list[float],
    follow: dict[str, float],
) -> None:
    def at(fraction: float) -> None:
        """Tend the daemon until ``fraction`` of the run has passed."""
        op.watch(began + fraction * DURATION - time.monotonic())

    def healthy_started() -> bool:
        cs = daemon.connectors()
        wanted = [n for n, c in plan.all().items() if c.mode in HEALTHY]
        return all(n in cs and cs[n]["statistics"]["refreshes"] >= 1 for n in wanted)

    daemon.wait_ready()
    op.until("every healthy connector refreshed once", healthy_started, timeout=300)
    warm = daemon.connectors()
    assert len(warm) == GROUPS * PER_GROUP
    states = {c["state"] for n, c in warm.items() if plan.all()[n].mode in HEALTHY}
    assert states <= {"WAITING", "REFRESHING"}, states
    assert all(c["validationErrors"] == [] for c in warm.values())
    at(0.15)
    rss_start = daemon.rss_mb()

    # --- edit A: add five connectors to group 0; change a healthy connector's
    # configuration; turn a flapping connector into a healthy one
    at(0.2)
    added = [Connector(f"g0-new{k}", 0, "ok" if k else "write", 1) for k in range(5)]
    for c in added:
        plan.add(c)
    changed = {"g1-c10": plan.groups[1]["g1-c10"], "g1-c03": plan.groups[1]["g1-c03"]}
    restarts_before = {n: warm[n]["restartCount"] for n in changed}
    changed["g1-c10"].tag = "v2"
    changed["g1-c03"].mode, changed["g1-c03"].tag = "ok", "v2"
    plan.touched |= {c.name for c in added} | set(changed)
    plan.apply(server, [0, 1])
    follow["edit A"] = _follow(op, daemon, added=added, changed=changed, before=restarts_before)

    # --- Neo4j restart 1
    at(0.3)
    outages.append(_outage(server, daemon, op))

    # --- edit B: remove five connectors of group 2 (one writer among them); change a
    # writer's configuration; add two connectors to group 7
    at(0.5)
    removed = [f"g2-c{j:02d}" for j in (6, 20, 21, 22, 23)]
    for name in removed:
        del plan.groups[2][name]
    writer = plan.groups[3]["g3-c07"]
    restarts_before = {writer.name: daemon.connectors()[writer.name]["restartCount"]}
    writer.tag = "v2"
    added = [Connector(f"g7-new{k}", 7, "ok", 2) for k in range(2)]
    for c in added:
        plan.add(c)
    plan.touched |= set(removed) | {writer.name} | {c.name for c in added}
    plan.apply(server, [2, 3, 7])
    follow["edit B"] = _follow(
        op,
        daemon,
        added=added,
        changed={writer.name: writer},
        before=restarts_before,
        removed=removed,
    )
    gone = find_element(server.store, out_qualified_name("g2-c06"))
    assert gone is not None
    removed_writer_version = gone.version

    # --- Neo4j restart 2
    at(0.65)
    outages.append(_outage(server, daemon, op))

    # --- edit C: remove three connectors of group 5; change one of group 6
    at(0.8)
    removed = [f"g5-c{j:02d}" for j in (12, 13, 14)]
    for name in removed:
        del plan.groups[5][name]
    other = plan.groups[6]["g6-c12"]
    restarts_before = {other.name: daemon.connectors()[other.name]["restartCount"]}
    other.tag = "v3"
    plan.touched |= set(removed) | {other.name}
    plan.apply(server, [5, 6])
    follow["edit C"] = _follow(
        op, daemon, added=[], changed={other.name: other}, before=restarts_before, removed=removed
    )

    at(1.0)
    end = daemon.connectors()
    ended = time.time()
    rss_end = daemon.rss_mb()
    elapsed = time.monotonic() - began
    print(
        f"\nendurance: {elapsed:.0f} s, daemon RSS after warm-up {rss_start:.1f} MB, "
        f"at the end {rss_end:.1f} MB; outages {', '.join(f'{o:.0f} s' for o in outages)}; "
        f"edits followed in {', '.join(f'{k} {v:.1f} s' for k, v in follow.items())}; "
        f"flapping connectors restarted {op.restarts} times"
    )
    assert rss_end <= rss_start * (1 + RSS_GROWTH) + RSS_SLACK_MB, (rss_start, rss_end)
    assert set(end) == set(plan.all())
    _check_schedules(server, plan, warm, end, ended, sum(outages))
    # a removed writer no longer writes
    gone = find_element(server.store, out_qualified_name("g2-c06"))
    assert gone is not None and gone.version == removed_writer_version
    for name, c in plan.all().items():
        state = end[name]["state"]
        if c.mode == "fail-start":
            assert state in {"INITIALIZE_FAILED", "INITIALIZED"}, (name, state)
            assert end[name]["restartCount"] == 0, name  # retried with backoff, not restarted
            assert end[name]["statistics"]["refreshes"] == 0, name
        elif c.mode == "flap":
            assert end[name]["statistics"]["refreshes"] >= 2, name
            assert end[name]["statistics"]["refreshFailures"] >= 1, name
            assert state in {"WAITING", "REFRESHING", "FAILED", "INITIALIZED"}, (name, state)


def _follow(
    op: Operator,
    daemon: Daemon,
    *,
    added: list[Connector],
    changed: dict[str, Connector],
    before: dict[str, int],
    removed: Sequence[str] = (),
) -> float:
    """Wait until the daemon followed an edit: added connectors refreshed, removed ones
    forgotten, changed ones restarted exactly once and refreshed with the new tag."""

    def done() -> bool:
        cs = daemon.connectors()
        if any(n in cs for n in removed):
            return False
        for c in added:
            if c.name not in cs or _successes(cs[c.name]) < 1:
                return False
        for name, c in changed.items():
            s = cs[name]
            report = s["lastReport"] or {}
            if s["restartCount"] <= before[name]:
                return False
            if f"tag:{c.tag}" not in report.get("counters", {}):
                return False
        return True

    seconds = op.until("the daemon follows the edit", done, timeout=POLL_SECONDS + 120)
    cs = daemon.connectors()
    for name, c in changed.items():
        assert cs[name]["restartCount"] == before[name] + 1, name
        tags = {k for k in cs[name]["lastReport"]["counters"] if k.startswith("tag:")}
        assert tags == {f"tag:{c.tag}"}, name
    for c in added:
        assert cs[c.name]["restartCount"] == 0
        assert cs[c.name]["state"] in {"WAITING", "REFRESHING"}
    return seconds


def _outage(server: DedicatedServer, daemon: Daemon, op: Operator) -> float:
    """Stop Neo4j, keep it down OUTAGE_SECONDS, start it again; wait until the daemon
    says it is healthy again. Returns the whole window in seconds."""
    began = time.monotonic()
    server.stop()
    try:
        op.until("the daemon reports degraded", lambda: daemon.health() == "degraded", 120)
        op.watch(OUTAGE_SECONDS)
        assert daemon.health() == "degraded"
    finally:
        server.start()
    op.until("the daemon recovers", _status_ok(daemon), timeout=300)
    return time.monotonic() - began


def _check_schedules(
    server: DedicatedServer,
    plan: Plan,
    warm: dict[str, dict[str, Any]],
    end: dict[str, dict[str, Any]],
    ended: float,
    outage: float,
) -> None:
    """Refreshes since warm-up against each untouched healthy connector's interval."""
    problems = []
    checked = 0
    for name, c in plan.all().items():
        if c.mode not in HEALTHY or name in plan.touched:
            continue
        checked += 1
        interval = c.minutes * 60
        since = _when(warm[name]["lastRefreshStart"])
        expected = math.floor((ended - since) / interval)
        got = _successes(end[name]) - _successes(warm[name])
        low = expected - 1
        if c.mode == "write":
            low = math.floor((ended - since - outage) / interval) - 2
        if not (low <= got <= expected + 1) or end[name]["restartCount"] != 0:
            problems.append(
                f"{name} ({c.mode}, every {c.minutes} min): {got} refreshes since warm-up, "
                f"expected {low}..{expected + 1}; restarts {end[name]['restartCount']}"
            )
        if c.mode == "write":
            element = find_element(server.store, out_qualified_name(name))
            assert element is not None, name
            successes = _successes(end[name])
            # each successful refresh committed exactly one change (one more if the reply
            # to a committed write was lost when the server stopped)
            if not successes <= element.version <= successes + 2:
                problems.append(f"{name}: version {element.version}, {successes} successes")
    assert checked >= 120
    assert not problems, "\n".join(problems)
