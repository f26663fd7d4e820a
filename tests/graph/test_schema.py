"""Schema creation and verification against the real server."""

from __future__ import annotations

import pytest

from engine import SchemaError
from engine.graph import CONSTRAINTS, INDEXES, Store, check_schema, database_status, init_schema
from engine.graph.writer import wipe_database


def test_init_creates_every_constraint_and_is_idempotent(store: Store) -> None:
    first = init_schema(store)
    second = init_schema(store)
    expected = {c.name for c in CONSTRAINTS} | {i.name for i in INDEXES}
    assert set(first.present) == expected
    assert second.present == first.present
    assert not second.missing


def test_constraints_reject_duplicate_qualified_names(store: Store) -> None:
    store.driver.execute_query("CREATE (:Referenceable {qualifiedName: 'a', guid: '1'})")
    with pytest.raises(Exception, match="already exists"):
        store.driver.execute_query("CREATE (:Referenceable {qualifiedName: 'a', guid: '2'})")


def test_check_reports_a_dropped_constraint_and_init_restores_it(store: Store) -> None:
    store.driver.execute_query("DROP CONSTRAINT referenceable_guid")
    try:
        check = check_schema(store)
        assert check.missing == ("referenceable_guid",)
        assert not check.ok
        assert database_status(store)["schema"]["missing"] == ["referenceable_guid"]
    finally:
        assert init_schema(store).ok


def test_init_fails_loudly_when_duplicates_block_a_constraint(store: Store) -> None:
    store.driver.execute_query("DROP CONSTRAINT referenceable_guid")
    try:
        store.driver.execute_query(
            "CREATE (:Referenceable {qualifiedName: 'x', guid: 'same'}), "
            "(:Referenceable {qualifiedName: 'y', guid: 'same'})"
        )
        with pytest.raises(SchemaError, match="referenceable_guid"):
            init_schema(store)
    finally:
        wipe_database(store)
        init_schema(store)


def test_status_reports_the_server_and_counts(store: Store) -> None:
    store.driver.execute_query(
        "CREATE (:Referenceable:Endpoint {qualifiedName: 'e1', guid: 'g1'})"
        "-[:X]->(:Referenceable {qualifiedName: 'e2', guid: 'g2'})"
    )
    status = database_status(store)
    assert status["server"]["version"].startswith("5.")
    assert status["server"]["edition"] == "community"
    assert status["elements"] == {"Endpoint": 1, "Referenceable": 2}
    assert status["relationships"] == {"X": 1}
    assert status["schema"]["ok"]
