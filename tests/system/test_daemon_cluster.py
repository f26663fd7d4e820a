"""Several ``switchboard daemon run`` processes sharing one group under connector leases.

Every connector is a blocking one that appends a record (connector, epoch, seq, daemon)
through the daemon's fenced writer every second or two. The test starts three daemons,
checks the even split, pauses a connector through a daemon that does not run it,
``kill -9``s its holder, ``SIGSTOP``s another past its leases and lets it go on (it reports
what it lost and writes nothing more under those leases), and lets a daemon join the two
left and another join the three; then it checks, over every record written, that no
connector ever had two holders at once. The suite runs a short form (``SWITCHBOARD_CLUSTER_CONNECTORS``
connectors, default 30); ``make soak`` runs it with 300.
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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.declare import manifest as mf
from engine.graph import Store
from engine.graph.writer import wipe_database
from tests import conftest
from tests.support.daemon_process import DaemonRun
from tests.support.lease_connectors import RECORD_PREFIX, parse_record
from tests.support.reliability_helpers import DedicatedServer

CONNECTORS = int(os.environ.get("SWITCHBOARD_CLUSTER_CONNECTORS", "30"))
OUTAGE_SECONDS = float(os.environ.get("SWITCHBOARD_CLUSTER_OUTAGE_SECONDS", "8"))
"""How long Neo4j stays stopped in the outage scenario, and at least how long a daemon
stays SIGSTOPped (``make soak``: 30)."""
LEASE_SECONDS = 6.0
RENEW_SECONDS = 2.0
GROUP = "cluster.group"
PROVIDER = "tests.support.lease_connectors:RecordingProvider"
WAIT = 120.0
"""Generous upper bound of every wait (a hung test fails; no timing is asserted)."""

pytestmark = [pytest.mark.timeout(900), pytest.mark.long]


def manifest() -> dict[str, Any]:
    return {
        "connectorTypes": [
            {"qualifiedName": "cluster.type", "connectorProviderClassName": PROVIDER}
        ],
        "integrationGroups": [
            {
                "qualifiedName": GROUP,
                "connectors": [
                    {
                        "qualifiedName": f"cluster.connector.{i:03d}",
                        "registration": {"connectorName": f"c{i:03d}"},
                        "connection": {
                            "qualifiedName": f"cluster.connection.{i:03d}",
                            "connectorType": "cluster.type",
                            "configurationProperties": {"key": f"c{i:03d}", "every": 2},
                        },
                    }
                    for i in range(CONNECTORS)
                ],
            }
        ],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """The daemon processes, by name, and what the graph says about their leases."""

    def __init__(self, store: Callable[[], Store], env: dict[str, str], folder: Path) -> None:
        self.store_of = store
        self.env = env
        self.folder = folder
        self.daemons: dict[str, DaemonRun] = {}
        self.urls: dict[str, str] = {}

    def start(self, name: str) -> None:
        config = {
            "serverName": name,
            "groups": [GROUP],
            "pollInterval": 5,
            "workers": 8,
            "disconnectTimeout": 5,
            "leases": {"leaseSeconds": LEASE_SECONDS, "renewSeconds": RENEW_SECONDS},
            "api": {"port": free_port()},
        }
        path = self.folder / f"{name}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        run = DaemonRun(["--config", str(path)], self.env, self.folder / f"{name}.log")
        self.daemons[name] = run
        self.urls[name] = run.wait_ready()

    def leases(self) -> list[dict[str, Any]]:
        records, _, _ = self.store_of().driver.execute_query(
            "MATCH (l:ConnectorLease) OPTIONAL MATCH (d:Daemon {id: l.holder}) "
            "RETURN l.registration AS registration, l.epoch AS epoch, d.name AS holder, "
            "l.expiresAt > datetime.realtime() AS live, l.desiredState AS desiredState"
        )
        return [r.data() for r in records]

    def held_by(self) -> Counter[str]:
        """Unexpired leases per daemon name."""
        return Counter(row["holder"] for row in self.leases() if row["live"] and row["holder"])

    def call(self, name: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.urls[name].rstrip("/") + path,
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST" if data is not None else "GET",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def connector_status(self, name: str, connector: str) -> dict[str, Any] | None:
        for group in self.call(name, "/status")["groups"]:
            for status in group["connectors"]:
                if status["connectorName"] == connector:
                    return dict(status)
        return None

    def records(self) -> list[tuple[str, int, int, str, Any]]:
        found, _, _ = self.store_of().driver.execute_query(
            "MATCH (n:Referenceable) WHERE n.qualifiedName STARTS WITH $prefix "
            "RETURN n.qualifiedName AS qn, n.createTime AS created",
            prefix=RECORD_PREFIX,
        )
        return [(*parse_record(r["qn"]), r["created"]) for r in found]

    def stop_all(self) -> None:
        for run in self.daemons.values():
            if run.proc.poll() is None:
                run.proc.send_signal(signal.SIGCONT)
                run.stop()


def until(what: str, predicate: Callable[[], bool]) -> float:
    """Seconds until ``predicate`` holds (fails after :data:`WAIT`)."""
    began = time.monotonic()
    while time.monotonic() - began < WAIT:
        if predicate():
            return time.monotonic() - began
        time.sleep(0.5)
    raise AssertionError(f"not reached within {WAIT:.0f} s: {what}")


def evenly(held: Counter[str], names: list[str]) -> bool:
    share = CONNECTORS / len(names)
    return sum(held.values()) == CONNECTORS and all(
        math.floor(share) - 1 <= held[n] <= math.ceil(share) + 1 for n in names
    )


@pytest.fixture
def cluster(store: Store, neo4j_server: conftest.TestServer, tmp_path: Path) -> Iterator[Cluster]:
    doc = mf.Document("cluster", mf.Manifest.model_validate(manifest()))
    mf.apply_documents(store, [doc], force=True)
    running = Cluster(lambda: store, neo4j_server.env(), tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


def test_daemons_share_fail_over_fence_and_rebalance(cluster: Cluster) -> None:
    names = ["d1", "d2", "d3"]
    for name in names:
        cluster.start(name)
    took = until("three daemons share every connector", lambda: evenly(cluster.held_by(), names))
    print(
        f"all {CONNECTORS} connectors held, evenly, {took:.1f} s after the third daemon: "
        f"{dict(cluster.held_by())}"
    )
    check_daemon_list(cluster, names)

    # pause a connector of d1 through d2, then kill d1
    leases = cluster.leases()
    by_reg = {row["registration"]: row for row in leases}
    d1_regs = [reg for reg, row in by_reg.items() if row["holder"] == "d1"]
    status = cluster.call("d1", "/status")
    d1_names = [c["connectorName"] for g in status["groups"] for c in g["connectors"]]
    assert len(d1_names) == len(d1_regs)
    paused = sorted(d1_names)[0]
    assert cluster.call("d2", "/pause", {"connector": paused})["connectors"] == [paused]
    until("d1 pauses it", lambda: (cluster.connector_status("d1", paused) or {}).get("paused"))

    cluster.daemons["d1"].proc.kill()
    moved = until(
        "d1's connectors run elsewhere",
        lambda: evenly(cluster.held_by(), ["d2", "d3"]),
    )
    print(f"kill -9: connectors moved in {moved:.1f} s (lease {LEASE_SECONDS:g} s)")
    # the new holder takes the lease first and starts the connector after: wait for it
    until(
        "the paused connector is running elsewhere",
        lambda: any(cluster.connector_status(n, paused) for n in ("d2", "d3")),
    )
    holder = next(n for n in ("d2", "d3") if cluster.connector_status(n, paused))
    assert (cluster.connector_status(holder, paused) or {})["paused"] is True

    # SIGSTOP d2 past its leases, then let it go on: it reports them lost and writes
    # nothing more under them
    d2 = cluster.daemons["d2"]
    d2_id = cluster.call("d2", "/status")["leases"]["daemonId"]
    d2_regs = {row["registration"] for row in cluster.leases() if row["holder"] == "d2"}
    d2.proc.send_signal(signal.SIGSTOP)
    stopped = time.monotonic()
    until("d3 runs everything", lambda: cluster.held_by() == Counter({"d3": CONNECTORS}))
    time.sleep(max(0.0, stopped + OUTAGE_SECONDS - time.monotonic()))  # make soak: 30 s
    written = {r[:4] for r in cluster.records() if r[3] == d2_id}
    d2.proc.send_signal(signal.SIGCONT)
    print(f"SIGSTOP: d2 stopped {time.monotonic() - stopped:.1f} s (d3 took all its leases)")
    reported = until_reported_lost(cluster, "d2", d2_regs)
    print(f"SIGCONT: d2 reported its {len(d2_regs)} lost connectors {reported:.2f} s after")
    until("d2 logs the connectors it lost", lambda: "lost the lease of" in d2.log())
    until(
        "d2 runs no connector whose lease it lost",
        lambda: (
            len(cluster.call("d2", "/status")["groups"][0]["connectors"]) <= cluster.held_by()["d2"]
        ),
    )

    until("d2 and d3 share evenly again", lambda: evenly(cluster.held_by(), ["d2", "d3"]))

    # a daemon joins the two (d1 was killed), then another joins the three: each join
    # moves at most ceil(N/k) connectors, k the daemons after it (the fourth
    # daemon: at most 75 of 300 move, it ends with 75 +/- 1)
    for newcomer, sharing in (("d4", ["d2", "d3", "d4"]), ("d5", ["d2", "d3", "d4", "d5"])):
        moved_on_join, held = join(cluster, newcomer, sharing)
        print(f"{newcomer} joined: {moved_on_join} connectors moved; held {dict(held)}")
        assert moved_on_join <= math.ceil(CONNECTORS / len(sharing)) + 1

    time.sleep(RENEW_SECONDS * 2)  # the last writes of every holder
    cluster.stop_all()
    records = cluster.records()
    check_nothing_written_under_lost_leases(written, records, d2_id)
    check_one_holder_at_a_time(records)


def join(cluster: Cluster, newcomer: str, sharing: list[str]) -> tuple[int, Counter[str]]:
    """Start daemon ``newcomer``; once ``sharing`` share evenly, how many connectors
    changed holder and how many each holds."""
    before = {row["registration"]: row["holder"] for row in cluster.leases()}
    cluster.start(newcomer)
    until(f"{', '.join(sharing)} share evenly", lambda: evenly(cluster.held_by(), sharing))
    after = {row["registration"]: row["holder"] for row in cluster.leases()}
    return sum(1 for reg, h in after.items() if before.get(reg) != h), cluster.held_by()


def until_reported_lost(cluster: Cluster, name: str, registrations: set[str]) -> float:
    """Seconds until daemon ``name``'s status has listed every one of ``registrations`` as
    lost (polled every 0.1 s: one it takes again later leaves the list)."""
    began = time.monotonic()
    seen: set[str] = set()
    while time.monotonic() - began < WAIT:
        leases = cluster.call(name, "/status")["leases"]
        seen |= {lost["registrationGuid"] for lost in leases["lost"]}
        if registrations <= seen:
            return time.monotonic() - began
        time.sleep(0.1)
    raise AssertionError(f"{name} reported {len(seen)} of {len(registrations)} lost connectors")


def check_nothing_written_under_lost_leases(
    before: set[tuple[str, int, int, str]],
    records: list[tuple[str, int, int, str, Any]],
    daemon_id: str,
) -> None:
    """Every record daemon ``daemon_id`` wrote after it lost its leases (those not in
    ``before``) is under a newer epoch than any it had written before, per connector."""
    old_epoch: dict[str, int] = {}
    for key, epoch, _, _ in before:
        old_epoch[key] = max(epoch, old_epoch.get(key, -1))
    later = [r[:4] for r in records if r[3] == daemon_id and r[:4] not in before]
    assert [r for r in later if r[1] <= old_epoch.get(r[0], -1)] == []
    assert before  # it had written before it was stopped


def check_daemon_list(cluster: Cluster, names: list[str]) -> None:
    """Any daemon shows every live daemon and the holder of every connector, as the leases
    are; so does 'switchboard daemon list --json' pointed at another one."""
    held = cluster.held_by()
    doc = cluster.call(names[1], "/daemons")
    assert sorted(d["name"] for d in doc["daemons"]) == names
    assert {d["name"]: d["held"] for d in doc["daemons"]} == dict(held)
    assert Counter(c["holder"] for c in doc["connectors"]) == held
    assert all(c["epoch"] >= 1 and c["leaseExpires"] for c in doc["connectors"])
    switchboard = Path(sys.executable).with_name("switchboard")
    out = subprocess.run(
        [str(switchboard), "daemon", "list", "--json", "--url", cluster.urls[names[2]]],
        capture_output=True,
        text=True,
        check=True,
        env=cluster.env,
    )
    listed = json.loads(out.stdout)
    assert Counter(c["holder"] for c in listed["connectors"]) == held
    status = subprocess.run(
        [str(switchboard), "daemon", "status", "--url", cluster.urls[names[0]]],
        capture_output=True,
        text=True,
        check=True,
        env={**cluster.env, "COLUMNS": "200"},
    )
    assert "live daemons" in status.stdout
    assert all(name in status.stdout for name in names)
    # ... and its JSON has the holder of every connector, as GET /daemons
    status_json = subprocess.run(
        [str(switchboard), "daemon", "status", "--json", "--url", cluster.urls[names[0]]],
        capture_output=True,
        text=True,
        check=True,
        env=cluster.env,
    )
    leases = json.loads(status_json.stdout)["leases"]
    ids = {d["name"]: d["id"] for d in doc["daemons"]}
    assert leases["daemonId"] == ids[names[0]]
    holders = leases["cluster"]["connectors"]
    assert Counter(c["holder"] for c in holders) == held
    assert all(c["holderId"] == ids[c["holder"]] and c["holderApiUrl"] for c in holders)
    assert all(c["epoch"] >= 1 and c["leaseExpires"] for c in holders)
    # a refresh or restart sent to a daemon that does not run the connector reaches its holder
    elsewhere = next(c for c in doc["connectors"] if c["holder"] == names[2])
    name = elsewhere["connectorName"]
    # (a blocking connector has no refresh to run: the holder answers that none was)
    assert cluster.call(names[1], "/refresh", {"connector": name})["connectors"] == []
    assert cluster.call(names[1], "/restart", {"connector": name})["connectors"] == [name]


def check_one_holder_at_a_time(records: list[tuple[str, int, int, str, Any]]) -> None:
    """Per connector: each epoch belongs to one daemon, and in write order the epochs never
    go down (no record of an old epoch follows a newer one)."""
    assert records
    daemons_of: dict[tuple[str, int], set[str]] = defaultdict(set)
    by_connector: dict[str, list[tuple[Any, int, int]]] = defaultdict(list)
    for key, epoch, seq, daemon, created in records:
        daemons_of[(key, epoch)].add(daemon)
        by_connector[key].append((created, epoch, seq))
    assert {k for k, ds in daemons_of.items() if len(ds) > 1} == set()
    assert len(by_connector) == CONNECTORS
    for key, rows in by_connector.items():
        epochs = [epoch for _, epoch, _ in sorted(rows)]
        assert epochs == sorted(epochs), (key, epochs)


def test_daemons_ride_out_a_neo4j_outage(
    restartable_server: DedicatedServer, tmp_path: Path
) -> None:
    """Neo4j stopped past every lease and started again: the daemons stay up, fence
    themselves meanwhile, and share the connectors again, still one holder at a time."""
    store = restartable_server.store
    wipe_database(store)
    doc = mf.Document("cluster", mf.Manifest.model_validate(manifest()))
    mf.apply_documents(store, [doc], force=True)
    cluster = Cluster(lambda: restartable_server.store, restartable_server.env(), tmp_path)
    try:
        for name in ("d1", "d2"):
            cluster.start(name)
        until("two daemons share every connector", lambda: evenly(cluster.held_by(), ["d1", "d2"]))
        restartable_server.stop()
        time.sleep(OUTAGE_SECONDS)
        restartable_server.start()
        for run in cluster.daemons.values():
            assert run.proc.poll() is None, run.log()
        resumed = until("the connectors run again", lambda: evenly(cluster.held_by(), ["d1", "d2"]))
        print(f"Neo4j back after {OUTAGE_SECONDS:g} s: connectors held again in {resumed:.1f} s")
        time.sleep(RENEW_SECONDS * 2)
        cluster.stop_all()
        check_one_holder_at_a_time(cluster.records())
    finally:
        cluster.stop_all()
        wipe_database(restartable_server.store)
