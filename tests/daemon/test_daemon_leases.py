"""Two daemons sharing one group under connector leases, in-process, against the server.

Rounds are run by hand (``run_round``) instead of on the coordinator's timer, so each step
is decided by the test; leases, heartbeats and the clock of expiry are the server's.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine import ForwardRefusedError
from engine.daemon import (
    LOST_DEADLINE,
    UNASSIGNED,
    ApiServer,
    DaemonConfig,
    LeaseCoordinator,
    Share,
    Supervisor,
    create_app,
    fair_share,
    lease_states,
)
from engine.declare import manifest as mf
from engine.graph import Store
from tests.support import daemon_fakes
from tests.support.daemon_helpers import (
    FAKE,
    Holder,
    connector,
    group,
    make_supervisor,
    wait_for,
)

pytestmark = pytest.mark.timeout(120)

NAMES = [f"c{i}" for i in range(6)]


@pytest.fixture(autouse=True)
def _reset_fakes() -> Iterator[None]:
    daemon_fakes.reset()
    yield
    daemon_fakes.reset()


def leased(store: Store, holder: Holder, name: str) -> Supervisor:
    return make_supervisor(store, holder, serverName=name, leases={}, api={"enabled": False})


def coordinator(sup: Supervisor) -> LeaseCoordinator:
    assert sup.herder.leases is not None
    return sup.herder.leases


def running(sup: Supervisor) -> set[str]:
    return {rt.name for rt in sup.worker.all()}


def test_fair_share_claims_up_to_the_ceiling_and_releases_only_for_a_starving_daemon() -> None:
    assert fair_share(300, 0, []) == Share(claim=300, release=0)
    joined = [fair_share(300, 100, [100, 100, 0]) for _ in range(3)]
    assert {(s.claim, s.release) for s in joined} == {(0, 25)}
    newcomer = fair_share(300, 0, [100, 100, 100])
    assert (newcomer.claim, newcomer.release) == (75, 0)
    # 301 over four: one above the floor keeps its extra connector unless someone starves
    assert fair_share(301, 76, [75, 75, 75]) == Share(claim=0, release=0)
    assert fair_share(301, 76, [76, 76, 73]).release == 1
    assert fair_share(301, 73, [76, 76, 76]).claim == 3
    assert fair_share(301, 75, [75, 75, 73]).claim == 0  # someone starves: only up to floor


def test_two_daemons_share_a_group_and_a_pause_follows_the_connector(store: Store) -> None:
    holder = Holder(group("shared", *(connector(n) for n in NAMES)))
    a = leased(store, holder, "daemon-a")
    b = leased(store, holder, "daemon-b")
    try:
        assert a.load()
        assert running(a) == set(NAMES)  # alone: it takes every lease
        assert b.load()
        assert running(b) == set()  # all leases held and unexpired
        coordinator(a).run_round()  # b is live with none: a gives up its surplus
        assert len(running(a)) == 3
        coordinator(b).run_round()
        assert running(b) == set(NAMES) - running(a)
        regs = {rt.name: rt.identity for rt in [*a.worker.all(), *b.worker.all()]}
        states = lease_states(store, regs.values())
        ids = {coordinator(s).keeper.daemon_id: s for s in (a, b)}
        for name, reg in regs.items():
            holder_sup = ids[states[reg].holder or ""]
            assert name in running(holder_sup)
            assert states[reg].epoch == (2 if holder_sup is b else 1)

        moved = sorted(running(b))[0]
        assert a.pause(moved) == [moved]  # asked of the daemon that does not run it
        coordinator(b).run_round()
        wait_for(lambda: b.find(moved)[0].schedule.paused, b)

        a.shutdown()  # releases its leases
        cluster = b.cluster()
        assert [d.name for d in cluster.daemons] == ["daemon-b"]
        holders = {c.connector_name: c.holder for c in cluster.connectors}
        assert holders == {n: "daemon-b" if n in running(b) else UNASSIGNED for n in NAMES}
        assert all(c.holder_id is None for c in cluster.connectors if c.holder == UNASSIGNED)
        check_page_holders(b, holders)
        coordinator(b).run_round()
        assert running(b) == set(NAMES)
        assert b.find(moved)[0].schedule.paused
        assert not b.find(sorted(set(NAMES) - {moved})[0])[0].schedule.paused
    finally:
        a.shutdown()
        b.shutdown()


def check_page_holders(sup: Supervisor, holders: dict[str, str]) -> None:
    """The status page of ``sup`` shows each connector's holder as ``GET /daemons`` does:
    name and id of the holding daemon, or UNASSIGNED."""
    me = coordinator(sup).keeper.daemon_id
    answer = TestClient(create_app(sup)).get("/?refresh=0")
    assert answer.status_code == 200
    page = answer.text
    assert f"this daemon process is <code>{me}</code>" in page
    for name, holder in holders.items():
        row = re.search(rf'<tr data-holder-of="{name}">(.*?)</tr>', page)
        assert row is not None, name
        cells = re.findall(r"<td>(.*?)</td>", row.group(1))
        if holder == UNASSIGNED:
            assert UNASSIGNED in cells[2] and cells[3] == "-"
        else:
            assert cells[2] == holder and cells[3] == f"<code>{me}</code>"


def test_a_daemon_that_cannot_renew_stops_its_connectors(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    holder = Holder(group("shared", *(connector(n) for n in NAMES[:2])))
    a = leased(store, holder, "daemon-a")
    try:
        assert a.load()
        keeper = coordinator(a).keeper
        assert running(a) == set(NAMES[:2])
        regs = keeper.held_registrations()
        assert len(regs) == 2
        for held in keeper.held.values():
            held.deadline = 0.0  # as if the last renewal were a lease ago
        assert set(coordinator(a).fence_check()) == regs
        assert running(a) == set()
        assert keeper.held_registrations() == set()
        # reported lost, by the status and the log
        leases = a.status().leases
        assert leases is not None and leases.held == 0
        assert {lost.registration_guid for lost in leases.lost} == regs
        assert {lost.connector_name for lost in leases.lost} == set(NAMES[:2])
        assert {lost.reason for lost in leases.lost} == {LOST_DEADLINE}
        assert "lost the lease of 2 connector(s)" in caplog.text
        assert all(name in caplog.text for name in NAMES[:2])
        # while lease rounds fail, the status does not wait on Neo4j for who holds what
        coordinator(a).last_error = "cannot reach Neo4j"  # as a failed round leaves it
        leases = a.status(with_cluster=True).leases
        assert leases is not None and leases.cluster is None
        assert "cannot reach Neo4j" in (leases.cluster_error or "")
        # renewing works again: it takes its own leases back at once, not once they expire
        coordinator(a).run_round()
        assert running(a) == set(NAMES[:2])
        leases = a.status(with_cluster=True).leases
        assert leases is not None and leases.lost == []  # held again
        assert leases.cluster is not None and leases.cluster_error is None
    finally:
        a.shutdown()


def group_manifest(*groups: str) -> mf.Document:
    return mf.Document(
        "all-groups",
        mf.Manifest.model_validate(
            {
                "connectorTypes": [{"qualifiedName": "t", "connectorProviderClassName": FAKE}],
                "integrationGroups": [
                    {
                        "qualifiedName": g,
                        "connectors": [
                            {
                                "qualifiedName": f"{g}.connector",
                                "registration": {"connectorName": f"{g}-c"},
                                "connection": {
                                    "qualifiedName": f"{g}.connection",
                                    "connectorType": "t",
                                },
                            }
                        ],
                    }
                    for g in groups
                ],
            }
        ),
    )


def test_all_groups_follows_the_groups_in_the_graph(store: Store) -> None:
    mf.apply_documents(store, [group_manifest("g1", "g2")], force=True)
    config = DaemonConfig.model_validate(
        {"allGroups": True, "leases": {}, "api": {"enabled": False}, "disconnectTimeout": 5}
    )
    sup = Supervisor(store, config)
    try:
        assert sup.load()
        assert running(sup) == {"g1-c", "g2-c"}
        assert coordinator(sup).keeper.all_groups
        mf.apply_documents(store, [group_manifest("g1", "g2", "g3")], force=True)
        assert sup.poll_changes()
        assert running(sup) == {"g1-c", "g2-c", "g3-c"}
        assert sup.config.groups == ["g1", "g2", "g3"]
        assert [g.qualified_name for g in sup.status().groups] == ["g1", "g2", "g3"]
    finally:
        sup.shutdown()


def serve(sup: Supervisor, token: str) -> ApiServer:
    """The control API of ``sup`` on a free loopback port with ``token``, published with
    the next heartbeat (as ``daemon run`` does)."""
    server = ApiServer(create_app(sup, token=token), "127.0.0.1", 0)
    server.start()
    sup.serving(f"http://127.0.0.1:{server.port}", token)
    return server


def post(server: ApiServer, path: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_request_passed_on_to_a_holder_with_another_token_is_refused_saying_so(
    store: Store,
) -> None:
    holder = Holder(group("shared", *(connector(n) for n in NAMES[:2])))
    a = leased(store, holder, "daemon-a")
    b = leased(store, holder, "daemon-b")
    servers: list[ApiServer] = []
    try:
        assert a.load()
        assert b.load()
        servers = [serve(a, "token-of-a"), serve(b, "token-of-b")]
        for sup in (a, b, a, b):  # heartbeats publish the API addresses; a gives b one
            coordinator(sup).run_round()
        (on_b,) = running(b)
        with pytest.raises(ForwardRefusedError) as refused:
            a.restart(on_b)
        assert refused.value.holder == "daemon-b"
        assert refused.value.api_url == f"http://127.0.0.1:{servers[1].port}"
        assert "do not share one control API token" in refused.value.message
        code, answer = post(servers[0], "/restart", "token-of-a", {"connector": on_b})
        assert code == 502
        assert "token" in answer["error"] and f":{servers[1].port}" in answer["hint"]
        assert b.find(on_b)[0].stats.restarts == 0  # nothing reached it
        # with the holder's token (the daemons share one) the request is passed on
        a.serving(f"http://127.0.0.1:{servers[0].port}", "token-of-b")
        assert a.restart(on_b) == [on_b]
        assert b.find(on_b)[0].stats.restarts == 1
    finally:
        for server in servers:
            server.stop()
        a.shutdown()
        b.shutdown()
