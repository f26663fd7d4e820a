"""The supervisor with real connector classes that raise, hang, flap and block.

A manual clock drives schedules and timeouts; real threads do the work. The
resolver is injected (groups built in Python); the store is the test Neo4j.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from engine import NotFoundError
from engine.daemon import ManualClock
from engine.graph import Store
from tests.support import daemon_fakes
from tests.support.daemon_fakes import CALLS, RELEASE
from tests.support.daemon_helpers import (
    BLOCKING,
    Holder,
    connector,
    group,
    make_supervisor,
    state,
    target,
    wait_for,
)

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(autouse=True)
def _reset_fakes() -> Iterator[None]:
    daemon_fakes.reset()
    yield
    daemon_fakes.reset()


def test_connector_refreshes_when_never_refreshed_then_every_interval(store: Store) -> None:
    clock = ManualClock()
    sup = make_supervisor(store, Holder(group("g", connector("a", refresh=60))), clock=clock)
    assert sup.load()
    wait_for(lambda: CALLS["a"] == ["start", "refresh"] and state(sup, "a") == "WAITING", sup)
    clock.advance(59 * 60)
    for _ in range(5):
        sup.tick()
    assert CALLS["a"] == ["start", "refresh"]
    clock.advance(2 * 60)
    wait_for(lambda: CALLS["a"].count("refresh") == 2 and state(sup, "a") == "WAITING", sup)
    status = sup.find("a")[0].status().as_dict()
    assert status["statistics"]["refreshes"] == 2
    assert status["lastRefreshStart"] is not None and status["nextRefresh"] is not None
    sup.shutdown()
    assert CALLS["a"][-1] == "disconnect"
    assert state(sup, "a") == "STOPPED"


def test_zero_interval_refreshes_once(store: Store) -> None:
    clock = ManualClock()
    sup = make_supervisor(store, Holder(group("g", connector("a", refresh=0))), clock=clock)
    sup.load()
    wait_for(lambda: CALLS["a"] == ["start", "refresh"] and state(sup, "a") == "WAITING", sup)
    clock.advance(24 * 3600)
    for _ in range(5):
        sup.tick()
    assert CALLS["a"].count("refresh") == 1
    sup.shutdown()


def test_raising_connector_is_failed_and_sticky_others_keep_schedule(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(
        group(
            "g",
            connector("bad", config={"mode": "raises"}, refresh=1),
            connector("good", refresh=1),
        )
    )
    sup = make_supervisor(store, holder, clock=clock)
    sup.load()
    wait_for(lambda: state(sup, "bad") == "FAILED" and CALLS["good"] == ["start", "refresh"], sup)
    bad = sup.find("bad")[0]
    assert bad.failure.last_error == "ValueError: refresh exploded"
    assert "Traceback" in (bad.failure.last_trace or "")
    for round_ in range(3):
        clock.advance(61)
        wait_for(lambda r=round_: CALLS["good"].count("refresh") == r + 2, sup)
    assert state(sup, "bad") == "FAILED"
    assert CALLS["bad"].count("refresh") == 1
    assert bad.stats.restarts == 0
    assert sup.restart(only_failed=True) == ["bad"]
    assert bad.stats.restarts == 1
    wait_for(lambda: CALLS["bad"].count("refresh") == 2, sup)
    assert sup.find("good")[0].stats.restarts == 0
    sup.shutdown()


def test_hung_refresh_times_out_and_others_keep_schedule(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(
        group("g", connector("hung", config={"mode": "hangs"}), connector("good", refresh=1))
    )
    sup = make_supervisor(store, holder, clock=clock, refreshTimeout=30)
    sup.load()
    wait_for(lambda: state(sup, "hung") == "REFRESHING" and "refresh" in CALLS["good"], sup)
    clock.advance(31)
    wait_for(lambda: state(sup, "hung") == "FAILED", sup)
    assert sup.find("hung")[0].failure.last_error == "refresh timed out after 30 s"
    clock.advance(61)
    wait_for(lambda: CALLS["good"].count("refresh") == 2, sup)
    RELEASE["hung"].set()  # the late return of the hung refresh must change nothing
    wait_for(lambda: "disconnect" in CALLS["hung"])
    sup.tick()
    assert state(sup, "hung") == "FAILED"
    sup.shutdown()


def test_worker_pool_is_bounded_and_timeouts_free_workers(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(
        group(
            "g",
            connector("h1", config={"mode": "hangs"}),
            connector("h2", config={"mode": "hangs"}),
            connector("ok", refresh=1),
        )
    )
    sup = make_supervisor(store, holder, clock=clock, workers=2, refreshTimeout=30)
    sup.load()
    wait_for(lambda: state(sup, "h1") == "REFRESHING" and state(sup, "h2") == "REFRESHING", sup)
    for _ in range(5):
        sup.tick()
    assert "refresh" not in CALLS["ok"]
    clock.advance(31)
    wait_for(lambda: "refresh" in CALLS["ok"], sup)
    assert state(sup, "h1") == state(sup, "h2") == "FAILED"
    sup.shutdown()


def test_flapping_start_is_retried_with_backoff(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(group("g", connector("flap", config={"mode": "flap-start", "flaps": 2})))
    sup = make_supervisor(store, holder, clock=clock, backoffBase=10, backoffCap=60)
    sup.load()
    wait_for(lambda: state(sup, "flap") == "INITIALIZE_FAILED", sup)
    handler = sup.find("flap")[0]
    assert handler.failure.last_error == "ConnectionError: dependency down"
    first = handler.backoff.retry_mono
    assert first is not None
    assert 5 <= first - clock.monotonic() <= 10
    sup.tick()
    assert state(sup, "flap") == "INITIALIZE_FAILED"
    clock.advance(10)
    wait_for(
        lambda: state(sup, "flap") == "INITIALIZE_FAILED" and handler.backoff.attempts == 2, sup
    )
    second = handler.backoff.retry_mono
    assert second is not None and 10 <= second - clock.monotonic() <= 20
    clock.advance(20)
    wait_for(lambda: state(sup, "flap") == "WAITING" and "refresh" in CALLS["flap"], sup)
    assert handler.stats.restarts == 0
    assert CALLS["flap"].count("start") == 3
    sup.shutdown()


def test_start_that_raises_is_initialize_failed(store: Store) -> None:
    sup = make_supervisor(
        store, Holder(group("g", connector("s", config={"mode": "start-raises"})))
    )
    sup.load()
    wait_for(lambda: state(sup, "s") == "INITIALIZE_FAILED", sup)
    assert "cannot start" in (sup.find("s")[0].failure.last_error or "")
    sup.shutdown()


def test_blocking_connector_runs_on_its_own_thread_and_disconnects(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(
        group(
            "g",
            connector("blk", provider=BLOCKING),
            connector("blk2", blocking=True),
            connector("other", refresh=1),
        )
    )
    sup = make_supervisor(store, holder, clock=clock, workers=1)
    sup.load()
    wait_for(
        lambda: (
            state(sup, "blk") == "RUNNING"
            and state(sup, "blk2") == "RUNNING"
            and "engage" in CALLS["blk"]
            and "refresh" in CALLS["other"]
        ),
        sup,
    )
    clock.advance(61)
    wait_for(lambda: CALLS["other"].count("refresh") == 2, sup)
    assert "refresh" not in CALLS["blk"]
    sup.shutdown()
    assert state(sup, "blk") == "STOPPED"
    assert "engage-returned" in CALLS["blk"] and "disconnect" in CALLS["blk"]


def test_blocking_connector_that_raises_is_failed(store: Store) -> None:
    holder = Holder(
        group("g", connector("blk", provider=BLOCKING, config={"mode": "engage-raises"}))
    )
    sup = make_supervisor(store, holder)
    sup.load()
    wait_for(lambda: state(sup, "blk") == "FAILED", sup)
    assert sup.find("blk")[0].failure.last_error == "RuntimeError: engage exploded"
    sup.shutdown()


def test_store_unavailable_during_refresh_is_retried_not_failed(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(group("g", connector("sd", config={"mode": "store-down", "flaps": 1})))
    sup = make_supervisor(store, holder, clock=clock, storeRetryInterval=5)
    sup.load()
    wait_for(lambda: state(sup, "sd") == "WAITING" and CALLS["sd"].count("refresh") == 1, sup)
    handler = sup.find("sd")[0]
    assert "cannot reach Neo4j" in (handler.failure.last_error or "")
    clock.advance(6)
    wait_for(lambda: CALLS["sd"].count("refresh") == 2 and handler.failure.last_error is None, sup)
    assert handler.stats.restarts == 0 and state(sup, "sd") == "WAITING"
    sup.shutdown()


def test_bad_provider_and_bad_configuration_are_config_failed(store: Store) -> None:
    holder = Holder(
        group(
            "g",
            connector("missing", provider="no.such.module:Provider"),
            connector("notprov", provider="tests.support.daemon_fakes:NotAProvider"),
            connector("badcfg", config={"flaps": "many"}),
            connector("fine"),
        )
    )
    sup = make_supervisor(store, holder)
    sup.load()
    wait_for(
        lambda: (
            all(state(sup, n) == "CONFIG_FAILED" for n in ("missing", "notprov", "badcfg"))
            and "refresh" in CALLS["fine"]
        ),
        sup,
    )
    assert "cannot import module 'no.such.module'" in (
        sup.find("missing")[0].failure.last_error or ""
    )
    assert "is not a connector provider" in (sup.find("notprov")[0].failure.last_error or "")
    assert "flaps" in (sup.find("badcfg")[0].failure.last_error or "")
    sup.shutdown()


def test_validation_errors_keep_a_connector_from_starting(store: Store) -> None:
    class F:
        def __init__(self, registration: str) -> None:
            self.severity = "error"
            self.rule = "SB006"
            self.registration = registration
            self.group = "g"
            self.message = "connector has two connections"

    bad = connector("bad")
    holder = Holder(group("g", bad, connector("ok")))
    sup = make_supervisor(store, holder, findings=lambda groups: [F(bad.registration.guid)])
    sup.load()
    wait_for(lambda: state(sup, "bad") == "CONFIG_FAILED" and "refresh" in CALLS["ok"], sup)
    status = sup.find("bad")[0].status().as_dict()
    assert "SB006: connector has two connections" in status["lastError"]
    assert status["validationErrors"] == ["SB006: connector has two connections"]
    assert CALLS["bad"] == []
    sup.shutdown()


def test_start_and_shutdown_dates_bound_the_connector(store: Store) -> None:
    clock = ManualClock()
    now = clock.now()
    holder = Holder(
        group(
            "g",
            connector(
                "win",
                refresh=1,
                start=now + timedelta(minutes=10),
                stop=now + timedelta(minutes=20),
            ),
        )
    )
    sup = make_supervisor(store, holder, clock=clock)
    sup.load()
    for _ in range(5):
        sup.tick()
    assert CALLS["win"] == [] and state(sup, "win") == "INITIALIZED"
    clock.advance(10 * 60)
    wait_for(lambda: "refresh" in CALLS["win"] and state(sup, "win") == "WAITING", sup)
    clock.advance(10 * 60)
    wait_for(lambda: state(sup, "win") == "STOPPED", sup)
    assert CALLS["win"][-1] == "disconnect"
    sup.shutdown()


def test_reconcile_restarts_only_changed_and_handles_added_removed_targets(store: Store) -> None:
    clock = ManualClock()
    holder = Holder(
        group(
            "g",
            connector("same"),
            connector("changes", config={"x": 1}),
            connector("goes"),
            connector("tgt", targets=[target("t1"), target("t2")]),
        )
    )
    sup = make_supervisor(store, holder, clock=clock)
    sup.load()
    names = ("same", "changes", "goes", "tgt")
    wait_for(lambda: all("refresh" in CALLS[n] for n in names), sup)
    holder.groups = [
        group(
            "g",
            connector("same"),
            connector("changes", config={"x": 2}),
            connector("tgt", targets=[target("t1"), target("t3")]),
            connector("new"),
        )
    ]
    done = sup.load()
    assert done
    wait_for(lambda: "refresh" in CALLS["new"] and CALLS["changes"].count("refresh") == 2, sup)
    assert sup.find("same")[0].stats.restarts == 0
    assert CALLS["same"] == ["start", "refresh"]
    assert sup.find("changes")[0].stats.restarts == 1
    assert CALLS["changes"][:4] == ["start", "refresh", "disconnect", "start"]
    assert "disconnect" in CALLS["goes"]
    with pytest.raises(NotFoundError):
        sup.find("goes")
    assert "targets:+t3-t2" in CALLS["tgt"]
    assert sup.find("tgt")[0].stats.restarts == 0
    context = daemon_fakes.SEEN["tgt"]
    assert [t.name for t in context.catalog_targets] == ["t1", "t3"]
    sup.shutdown()


def test_control_refresh_pause_resume(store: Store) -> None:
    clock = ManualClock()
    sup = make_supervisor(store, Holder(group("g", connector("a", refresh=60))), clock=clock)
    sup.load()
    wait_for(lambda: CALLS["a"].count("refresh") == 1 and state(sup, "a") == "WAITING", sup)
    assert sup.request_refresh("a") == ["a"]
    wait_for(lambda: CALLS["a"].count("refresh") == 2 and state(sup, "a") == "WAITING", sup)
    sup.pause()
    clock.advance(61 * 60)
    for _ in range(5):
        sup.tick()
    assert CALLS["a"].count("refresh") == 2
    sup.resume("a")
    wait_for(lambda: CALLS["a"].count("refresh") == 3, sup)
    with pytest.raises(NotFoundError):
        sup.request_refresh("nope")
    sup.shutdown()


def test_secrets_are_resolved_for_the_connector_and_never_shown(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path
) -> None:
    monkeypatch.setenv("SB_TEST_TOKEN", "tok-s3cr3t-value")
    secret_file = tmp_path / "pw"
    secret_file.write_text("pw-s3cr3t-value\n")
    holder = Holder(
        group(
            "g",
            connector(
                "sec",
                secured={"token": "env:SB_TEST_TOKEN"},
                password=f"file:{secret_file}",
                config={"mode": "leaks-secret"},
            ),
            connector("missing", secured={"token": "env:SB_TEST_NOT_SET"}),
            connector("plain", secured={"token": "hunter2"}),
        )
    )
    sup = make_supervisor(store, holder)
    with caplog.at_level(logging.DEBUG):
        sup.load()
        wait_for(
            lambda: (
                state(sup, "sec") == "INITIALIZE_FAILED"
                and state(sup, "missing") == "INITIALIZE_FAILED"
                and state(sup, "plain") == "INITIALIZE_FAILED"
            ),
            sup,
        )
    context = daemon_fakes.SEEN["sec"]
    assert context.connection.secret("token") == "tok-s3cr3t-value"
    assert context.connection.secret("password") == "pw-s3cr3t-value"
    assert "s3cr3t" not in repr(context.connection)
    status = json.dumps(sup.status().as_dict())
    assert "bad password ********" in status
    assert "s3cr3t" not in status and "s3cr3t" not in caplog.text
    assert "SB_TEST_NOT_SET, which is not set" in str(sup.find("missing")[0].failure.last_error)
    assert "not a secret reference" in str(sup.find("plain")[0].failure.last_error)
    assert "hunter2" not in str(sup.find("plain")[0].failure.last_error)
    sup.shutdown()


def test_one_connector_name_or_guid_finds_it(store: Store) -> None:
    c = connector("a")
    sup = make_supervisor(store, Holder(group("g", c)))
    sup.load()
    assert sup.find(c.registration.guid)[0].name == "a"
    sup.shutdown()


def test_health_check_is_reported_without_changing_state(store: Store) -> None:
    holder = Holder(group("g", connector("sick", config={"mode": "unhealthy"}), connector("ok")))
    sup = make_supervisor(store, holder)
    sup.load()
    wait_for(lambda: all("refresh" in CALLS[n] for n in ("sick", "ok")), sup)
    wait_for(lambda: sup.find("sick")[0].status().health_check == "disk nearly full", sup)
    assert state(sup, "sick") == "WAITING"
    assert sup.find("ok")[0].status().health_check is None
    sup.shutdown()


def test_config_failed_is_retried_only_when_the_configuration_changes(store: Store) -> None:
    holder = Holder(group("g", connector("c", provider="no.such.module:Provider")))
    sup = make_supervisor(store, holder)
    sup.load()
    wait_for(lambda: state(sup, "c") == "CONFIG_FAILED", sup)
    sup.load()  # same configuration: stays CONFIG_FAILED, not restarted
    for _ in range(5):
        sup.tick()
    assert state(sup, "c") == "CONFIG_FAILED" and sup.find("c")[0].stats.restarts == 0
    holder.groups = [group("g", connector("c"))]
    sup.load()
    wait_for(lambda: state(sup, "c") == "WAITING" and "refresh" in CALLS["c"], sup)
    assert sup.find("c")[0].stats.restarts == 1
    sup.shutdown()
