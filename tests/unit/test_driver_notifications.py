"""The server's notifications, which the driver logs as warnings on ``neo4j.notifications``,
reach the debug log ``switchboard.neo4j.notifications`` and never stderr by themselves."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from engine.graph import Store  # importing the store routes the driver's notifications

NOTIFICATION = "Received notification from DBMS server: property key does not exist"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def debug_log() -> Iterator[Collect]:
    target = logging.getLogger("switchboard.neo4j.notifications")
    collect = Collect()
    level = target.level
    target.addHandler(collect)
    target.setLevel(logging.DEBUG)
    try:
        yield collect
    finally:
        target.removeHandler(collect)
        target.setLevel(level)


def test_store_is_what_routes_them() -> None:
    assert Store.__module__ == "engine.graph.store"
    driver_log = logging.getLogger("neo4j.notifications")
    assert driver_log.propagate is False
    assert driver_log.level == logging.DEBUG


def test_a_notification_goes_to_the_debug_log_not_stderr(
    debug_log: Collect, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.getLogger("neo4j.notifications").warning(NOTIFICATION)
    captured = capsys.readouterr()
    assert "property key" not in captured.err + captured.out
    assert [(r.levelno, r.getMessage()) for r in debug_log.records] == [
        (logging.DEBUG, NOTIFICATION)
    ]


def test_quieting_the_driver_as_a_whole_keeps_them_in_the_debug_log(debug_log: Collect) -> None:
    driver = logging.getLogger("neo4j")
    level = driver.level
    driver.setLevel(logging.ERROR)  # what the daemon's logging set-up does
    try:
        logging.getLogger("neo4j.notifications").warning(NOTIFICATION)
    finally:
        driver.setLevel(level)
    assert len(debug_log.records) == 1
