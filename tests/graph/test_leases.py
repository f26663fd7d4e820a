"""Connector leases and daemon heartbeats against the real server.

Acquire, renew, release and desired state through the writer; the daemon side's local
deadlines and self-fencing; fenced writes of a connector's metadata writer; and processes
racing for the same expired leases, which must each get a lease from exactly one holder,
with the epoch going up at every change of holder.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict

import pytest

from engine import LeaseLostError, Neo4jSettings
from engine.daemon import (
    LOST_DEADLINE,
    LOST_TO_ANOTHER,
    LeaseKeeper,
    LeaseSettings,
    free_registrations,
    lease_states,
    live_daemons,
)
from engine.graph import Store, get_element
from engine.graph.writer import (
    LeaseFence,
    acquire_leases,
    release_leases,
    renew_leases,
    set_desired_state,
)
from engine.providers import CataloguedElement, ConnectorReport, MetadataWriter
from tests import conftest
from tests.support.concurrency import server_settings
from tests.support.lease_race import race_for_leases

REGS = [f"reg-{i:02d}" for i in range(6)]


class FakeMonotonic:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_acquire_takes_free_leases_once_and_bumps_the_epoch_on_a_new_holder(store: Store) -> None:
    first = acquire_leases(store, REGS[:3], daemon_id="a", lease_seconds=30)
    assert sorted(g.registration for g in first) == REGS[:3]
    assert {g.epoch for g in first} == {1}
    assert all(g.changed for g in first)
    assert {g.desired_state for g in first} == {"RUNNING"}

    assert acquire_leases(store, REGS[:3], daemon_id="b", lease_seconds=30) == []
    again = acquire_leases(store, REGS[:3], daemon_id="a", lease_seconds=30)
    assert {(g.epoch, g.changed) for g in again} == {(1, False)}

    released = release_leases(store, [REGS[0], REGS[5]], daemon_id="a")
    assert released == [REGS[0]]
    taken = acquire_leases(store, REGS[:3], daemon_id="b", lease_seconds=30)
    assert [(g.registration, g.epoch, g.changed) for g in taken] == [(REGS[0], 2, True)]


def test_an_expired_lease_passes_on_and_the_old_holder_cannot_renew_it(store: Store) -> None:
    acquire_leases(store, REGS[:2], daemon_id="a", lease_seconds=-1)  # expired at once
    assert sorted(free_registrations(store, REGS[:3])) == REGS[:3]
    taken = acquire_leases(store, [REGS[0]], daemon_id="b", lease_seconds=30)
    assert [(g.registration, g.epoch) for g in taken] == [(REGS[0], 2)]

    renewed = renew_leases(store, REGS[:2], daemon_id="a", lease_seconds=30)
    assert [g.registration for g in renewed] == [REGS[1]]  # the one nobody took meanwhile
    assert renewed[0].epoch == 1
    states = lease_states(store, REGS)
    assert set(states) == set(REGS[:2])
    assert (states[REGS[0]].holder, states[REGS[0]].epoch, states[REGS[0]].expired) == (
        "b",
        2,
        False,
    )


def test_desired_state_is_kept_with_the_lease_across_holders(store: Store) -> None:
    acquire_leases(store, [REGS[0]], daemon_id="a", lease_seconds=-1)
    rows = set_desired_state(store, [REGS[0], REGS[1]], "PAUSED")
    assert {row["registration"]: row["desiredState"] for row in rows} == {
        REGS[0]: "PAUSED",
        REGS[1]: "PAUSED",
    }
    taken = acquire_leases(store, REGS[:2], daemon_id="b", lease_seconds=30)
    assert {g.registration: g.desired_state for g in taken} == {
        REGS[0]: "PAUSED",
        REGS[1]: "PAUSED",
    }
    with pytest.raises(ValueError, match="desired state"):
        set_desired_state(store, [REGS[0]], "SLEEPING")


def test_daemons_heartbeat_and_show_their_lease_counts(store: Store) -> None:
    a = LeaseKeeper(store, name="daemon-a", api_url="http://a:7447", groups=["g"])
    b = LeaseKeeper(store, name="daemon-b", all_groups=True)
    a.heartbeat()
    b.heartbeat()
    a.acquire(REGS[:4])
    b.acquire(REGS)
    daemons = {d.name: d for d in live_daemons(store, live_seconds=10)}
    assert set(daemons) == {"daemon-a", "daemon-b"}
    assert (daemons["daemon-a"].held, daemons["daemon-b"].held) == (4, 2)
    assert daemons["daemon-a"].api_url == "http://a:7447"
    assert daemons["daemon-a"].groups == ("g",)
    assert daemons["daemon-b"].all_groups
    assert live_daemons(store, live_seconds=-1) == []  # no heartbeat is in the future

    b.shutdown()
    assert [d.name for d in live_daemons(store, live_seconds=10)] == ["daemon-a"]
    assert sorted(free_registrations(store, REGS)) == REGS[4:]


def test_keeper_renews_reports_lost_leases_and_fences_itself(store: Store) -> None:
    clock = FakeMonotonic()
    settings = LeaseSettings(lease_seconds=10, renew_seconds=3, safety_margin=1)
    keeper = LeaseKeeper(store, name="a", settings=settings, monotonic=clock)
    keeper.acquire(REGS[:3])
    assert keeper.held_registrations() == set(REGS[:3])
    assert keeper.held[REGS[0]].deadline == 109.0  # sent at 100, lease 10, margin 1

    # another daemon takes one lease (as if it had expired)
    release_leases(store, [REGS[0]], daemon_id=keeper.daemon_id)
    acquire_leases(store, [REGS[0]], daemon_id="other", lease_seconds=30)
    clock.now = 105.0
    assert keeper.renew() == [REGS[0]]
    assert keeper.take_lost() == {REGS[0]}
    assert keeper.held[REGS[1]].deadline == 114.0
    assert keeper.self_fence() == []

    clock.now = 114.0  # no renewal since 105: stop before the lease may expire
    assert sorted(keeper.self_fence()) == REGS[1:3]
    assert keeper.held_registrations() == set()
    assert keeper.take_lost() == set()  # the fence watch stops those itself
    lost = {held.registration: held.reason for held in keeper.lost_leases()}
    assert lost == {REGS[0]: LOST_TO_ANOTHER, REGS[1]: LOST_DEADLINE, REGS[2]: LOST_DEADLINE}
    with pytest.raises(LeaseLostError):
        keeper.fence(REGS[1])


def test_lease_settings_refuse_a_renewal_slower_than_the_lease() -> None:
    with pytest.raises(ValueError, match="renew"):
        LeaseSettings(lease_seconds=3, renew_seconds=3)
    with pytest.raises(ValueError, match="margin"):
        LeaseSettings(lease_seconds=10, renew_seconds=3, safety_margin=8)


def writer_with(store: Store, fence: LeaseFence) -> MetadataWriter:
    return MetadataWriter(store, source="src", user="tester", report=ConnectorReport(), fence=fence)


def test_fenced_writes_go_through_only_while_the_lease_is_held(store: Store) -> None:
    lost: list[LeaseLostError] = []
    keeper = LeaseKeeper(store, name="a")
    keeper.acquire([REGS[0]])
    fence = keeper.fence(REGS[0])
    writer = writer_with(store, fence)
    result = writer.upsert([CataloguedElement("Asset", "asset-1", {"description": "one"})])
    assert result.created == ["asset-1"]

    # the lease passes to another daemon: the old holder's next write is refused, whole
    release_leases(store, [REGS[0]], daemon_id=keeper.daemon_id)
    acquire_leases(store, [REGS[0]], daemon_id="other", lease_seconds=30)
    stale = LeaseFence(REGS[0], keeper.daemon_id, fence.epoch, on_lost=lost.append)
    with pytest.raises(LeaseLostError) as caught:
        writer_with(store, stale).upsert(
            [
                CataloguedElement("Asset", "asset-1", {"description": "changed"}),
                CataloguedElement("Asset", "asset-2"),
            ]
        )
    assert (caught.value.holder, caught.value.epoch) == ("other", 2)
    assert lost == [caught.value]
    assert get_element(store, "asset-1").element.description == "one"
    with pytest.raises(LeaseLostError):
        writer_with(store, stale).delete(["asset-1"])
    assert get_element(store, "asset-1").element.description == "one"


def test_a_fenced_write_refused_tells_the_keeper(store: Store) -> None:
    keeper = LeaseKeeper(store, name="a")
    keeper.acquire([REGS[0]])
    writer = writer_with(store, keeper.fence(REGS[0]))
    acquire_leases(store, [REGS[0]], daemon_id=keeper.daemon_id, lease_seconds=-1)
    acquire_leases(store, [REGS[0]], daemon_id="other", lease_seconds=30)
    with pytest.raises(LeaseLostError):
        writer.upsert([CataloguedElement("Asset", "asset-1")])
    assert keeper.take_lost() == {REGS[0]}
    assert keeper.held_registrations() == set()


def test_an_expired_but_untaken_lease_refuses_writes(store: Store) -> None:
    keeper = LeaseKeeper(store, name="a")
    keeper.acquire([REGS[0]])
    writer = writer_with(store, keeper.fence(REGS[0]))
    acquire_leases(store, [REGS[0]], daemon_id=keeper.daemon_id, lease_seconds=-1)
    with pytest.raises(LeaseLostError):
        writer.upsert([CataloguedElement("Asset", "asset-1")])


RACERS = 4
ROUNDS = 10


def test_processes_racing_for_expired_leases_get_each_epoch_once(
    store: Store, neo4j_server: conftest.TestServer
) -> None:
    """Every acquire takes leases that are already expired, so each round every racer may
    take every lease from whoever holds it: each change of holder must get a new epoch of
    its own (a lease read before it is locked would hand the same epoch to two takers)."""
    settings = server_settings(neo4j_server)
    settings["database"] = Neo4jSettings.from_env().database
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(RACERS)
    results = context.Queue()
    racers = [
        context.Process(
            target=race_for_leases,
            args=(settings, f"racer-{n}", REGS, ROUNDS, barrier, results),
        )
        for n in range(RACERS)
    ]
    for process in racers:
        process.start()
    grants = []
    done = 0
    while done < RACERS:
        item = results.get(timeout=120)
        if item[1] == "done":
            done += 1
        else:
            grants.append(item)
    for process in racers:
        process.join(30)
        assert process.exitcode == 0

    changes: dict[str, list[tuple[int, str]]] = defaultdict(list)
    holders_by_epoch: dict[tuple[str, int], set[str]] = defaultdict(set)
    for daemon, _phase, registration, epoch, changed in grants:
        holders_by_epoch[(registration, epoch)].add(daemon)
        if changed:
            changes[registration].append((epoch, daemon))
    assert all(len(holders) == 1 for holders in holders_by_epoch.values()), holders_by_epoch
    for registration in REGS:
        epochs = sorted(epoch for epoch, _ in changes[registration])
        assert epochs == list(range(1, len(epochs) + 1)), (registration, epochs)
    assert sum(len(c) for c in changes.values()) > len(REGS)  # holders did change

    long_grants = [g for g in grants if g[1] == "long"]
    holders = {registration: daemon for daemon, _, registration, _, _ in long_grants}
    assert sorted(holders) == REGS
    assert len(long_grants) == len(REGS)  # a lease held for a minute is taken once
    states = lease_states(store, REGS)
    assert {reg: s.holder for reg, s in states.items()} == holders
