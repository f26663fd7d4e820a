"""Change history against a real Neo4j: change sets recorded with every write, groups
resolved as of a time, catch-up of changes made around Switchboard, prune."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import Endpoint, IntegrationConnector, NotFoundError, UsageError
from engine.declare import manifest as mf
from engine.graph import Store, canonical_json, resolve_group
from engine.graph import elements as api
from engine.history import (
    change_history,
    check_history,
    parse_time,
    prune_history,
    resolve_group_as_of,
)
from tests.support.history_manifests import group_manifest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GROUP = "g"


def manifest(*connectors: str, endpoint: str = "localhost:1") -> dict[str, Any]:
    return group_manifest(GROUP, connectors, endpoint=endpoint)


def apply(store: Store, tmp_path: Path, data: dict[str, Any]) -> mf.ApplyReport:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return mf.apply(store, [path])


def moment() -> datetime:
    """A time strictly after every change recorded so far (the clock moves on)."""
    time.sleep(0.005)
    at = datetime.now(UTC)
    time.sleep(0.005)
    return at


def plain_cypher(store: Store, text: str, **params: Any) -> None:
    """An analyst's edit made around Switchboard."""
    store.driver.execute_query(text, params)


def test_apply_records_one_change_set_with_creates(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    (change_set,) = change_history(store)
    assert change_set.tool == "apply" and not change_set.outside
    assert GROUP in change_set.summary
    actions = {(c.kind, c.type, c.action) for c in change_set.changes}
    assert ("element", "IntegrationGroup", "create") in actions
    assert ("relationship", "REGISTERED_INTEGRATION_CONNECTOR", "create") in actions
    names = {c.name for c in change_set.changes if c.kind == "element"}
    assert names == {GROUP, "c1", "c1-conn", "c1-ep", "ct"}


def test_relationship_changes_name_their_ends(store: Store, tmp_path: Path) -> None:
    """By qualifiedName: from the elements of the same change set, or (a change set that
    only links two earlier elements) from the ends' recorded states."""
    apply(store, tmp_path, manifest("c1"))
    (change_set,) = change_history(store)
    relationships = {(c.type, c.name) for c in change_set.changes if c.kind == "relationship"}
    assert ("CONNECT_TO_ENDPOINT", "c1-conn -> c1-ep") in relationships
    assert ("REGISTERED_INTEGRATION_CONNECTOR", f"{GROUP} -> c1") in relationships

    api.save_element(store, Endpoint(qualifiedName="other-ep", networkAddress="h:2"))
    api.detach_endpoint(store, "c1-conn", "c1-ep")
    api.attach_endpoint(store, "c1-conn", "other-ep")
    newest, detached = change_history(store, limit=2)
    assert [(c.action, c.name) for c in newest.changes] == [("create", "c1-conn -> other-ep")]
    assert [(c.action, c.name) for c in detached.changes] == [("delete", "c1-conn -> c1-ep")]


def test_reapply_records_nothing(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    apply(store, tmp_path, manifest("c1"))
    assert len(change_history(store)) == 1


def test_update_records_versions_and_properties_before_and_after(
    store: Store, tmp_path: Path
) -> None:
    apply(store, tmp_path, manifest("c1"))
    apply(store, tmp_path, manifest("c1", endpoint="localhost:2"))
    newest, _ = change_history(store)
    (change,) = newest.changes
    assert (change.name, change.action) == ("c1-ep", "update")
    assert (change.version_before, change.version_after) == (1, 2)
    assert change.before is not None and change.after is not None
    assert (change.before["networkAddress"], change.after["networkAddress"]) == (
        "localhost:1",
        "localhost:2",
    )
    assert "networkAddress" in change.changed_properties()
    (only,) = change_history(store, "c1-ep", since=newest.time)
    assert only.id == newest.id


def test_delete_cascade_is_recorded(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1", "c2"))
    api.delete_element(store, "c2")
    newest = change_history(store)[0]
    assert newest.tool == "api"
    deleted = {(c.kind, c.name) for c in newest.changes if c.action == "delete"}
    assert ("element", "c2") in deleted and ("element", "c2-conn") in deleted
    assert any(kind == "relationship" for kind, _ in deleted)


def test_as_of_reproduces_every_earlier_resolution(store: Store, tmp_path: Path) -> None:
    seen: list[tuple[datetime, str | None]] = [(moment(), None)]
    apply(store, tmp_path, manifest("c1"))
    seen.append((moment(), canonical_json(resolve_group(store, GROUP))))
    apply(store, tmp_path, manifest("c1", "c2", endpoint="localhost:2"))
    seen.append((moment(), canonical_json(resolve_group(store, GROUP))))
    api.update_element(store, IntegrationConnector(qualifiedName="c1", displayName="one"))
    seen.append((moment(), canonical_json(resolve_group(store, GROUP))))
    api.delete_element(store, "c2")
    seen.append((moment(), canonical_json(resolve_group(store, GROUP))))
    for at, expected in seen:
        if expected is None:
            with pytest.raises(NotFoundError):
                resolve_group_as_of(store, GROUP, at)
        else:
            assert canonical_json(resolve_group_as_of(store, GROUP, at)) == expected


def test_examples_as_of_equal_live(store: Store) -> None:
    mf.apply(store, EXAMPLES)
    at = moment()
    for name in ("Switchboard:IntegrationGroup:mixed", "Switchboard:IntegrationGroup:files"):
        live = canonical_json(resolve_group(store, name))
        assert canonical_json(resolve_group_as_of(store, name, at)) == live


def test_plain_cypher_edit_is_caught_up_by_check(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    plain_cypher(store, "MATCH (n:Referenceable {qualifiedName: 'c1'}) SET n.displayName = 'x'")
    result = check_history(store)
    assert result.changed == 1 and result.change_set is not None
    newest = change_history(store)[0]
    assert newest.outside and newest.id == result.change_set
    (change,) = newest.changes
    assert change.after is not None and change.after["displayName"] == "x"
    assert check_history(store).changed == 0
    at = moment()
    assert canonical_json(resolve_group_as_of(store, GROUP, at)) == canonical_json(
        resolve_group(store, GROUP)
    )


def test_next_write_catches_up_an_outside_edit_first(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    plain_cypher(
        store, "MATCH (n:Referenceable {qualifiedName: 'c1-ep'}) SET n.networkAddress = 'x:9'"
    )
    apply(store, tmp_path, manifest("c1", endpoint="localhost:2"))
    newest, catch_up, _ = change_history(store)
    assert catch_up.outside and not newest.outside
    (outside,) = catch_up.changes
    assert outside.after is not None and outside.after["networkAddress"] == "x:9"
    (change,) = newest.changes
    assert change.before is not None and change.before["networkAddress"] == "x:9"


def test_check_tells_how_far_its_comparison_is(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1", "c2"))
    seen: list[tuple[str, int, int]] = []
    result = check_history(store, progress=lambda *step: seen.append(step))
    assert result.changed == 0
    assert {stage for stage, _, _ in seen} == {"elements", "relationships"}
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[-1] == seen[-1][2] == seen[0][2]


def test_changes_per_change_set_can_be_capped(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1", "c2", "c3"))
    (whole,) = change_history(store)
    assert whole.change_count == len(whole.changes) > 3
    (capped,) = change_history(store, changes=2)
    assert capped.change_count == whole.change_count and capped.id == whole.id
    assert [c.key for c in capped.changes] == [c.key for c in whole.changes[:2]]
    assert capped.as_dict()["changeCount"] == whole.change_count
    (grouped,) = change_history(store, group=GROUP, changes=1)  # through the group's keys
    (all_of_group,) = change_history(store, group=GROUP)
    assert len(grouped.changes) == 1 and grouped.change_count == len(all_of_group.changes)


def test_prune_keeps_what_later_times_need(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    apply(store, tmp_path, manifest("c1", endpoint="localhost:2"))
    cut = moment()
    apply(store, tmp_path, manifest("c1", endpoint="localhost:3"))
    later = moment()
    expected = {at: canonical_json(resolve_group_as_of(store, GROUP, at)) for at in (cut, later)}
    planned = prune_history(store, cut, dry_run=True)
    assert len(change_history(store)) == 3  # a dry run drops nothing
    dropped = prune_history(store, cut)
    assert dropped.states == 1  # the endpoint's first state, replaced before the cut
    assert dropped.change_sets == 2
    assert (planned.states, planned.change_sets) == (dropped.states, dropped.change_sets)
    assert planned.dry_run and not dropped.dry_run
    assert [c.summary for c in change_history(store)] and len(change_history(store)) == 1
    for at, text in expected.items():
        assert canonical_json(resolve_group_as_of(store, GROUP, at)) == text


def test_prune_refuses_a_cut_after_the_servers_clock(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    apply(store, tmp_path, manifest("c1", endpoint="localhost:2"))
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(UsageError):
        prune_history(store, tomorrow)
    with pytest.raises(UsageError):
        prune_history(store, tomorrow, dry_run=True)
    assert len(change_history(store)) == 2  # nothing dropped


def test_history_refuses_since_after_until(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    earlier = moment()
    with pytest.raises(UsageError):
        change_history(store, since=moment(), until=earlier)
    assert len(change_history(store, since=earlier - timedelta(hours=1), until=moment())) == 1


def test_times_iso_and_relative() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert parse_time("2h", now=now) == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert parse_time("3d", now=now) == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert parse_time("2026-12-04T10:00:00Z") == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert parse_time("2026-12-04").tzinfo is not None
