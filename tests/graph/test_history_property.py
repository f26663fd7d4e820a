"""Property: after any sequence of applies, updates, deletes, imports and plain-Cypher edits,
``resolve --as-of`` every recorded time gives the byte-identical canonical JSON that
``resolve`` gave then, for every group, and ``diff`` between any two recorded times equals
the difference of those documents."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import IntegrationConnector, NotFoundError, ResolvedGroup
from engine.declare import manifest as mf
from engine.declare.egeria import import_archive, read_archive
from engine.graph import Store, canonical_json, resolve_group
from engine.graph import elements as api
from engine.graph.writer import wipe_database
from engine.history import check_history, diff_group, group_changes, resolve_group_as_of
from tests.support.egeria_helpers import ARCHIVES
from tests.support.history_manifests import group_manifest

GROUPS = ("g1", "g2", "test:group:files")  # the last one comes from the archive
CONNECTORS = ("c1", "c2", "c3")

_apply = st.tuples(
    st.just("apply"),
    st.sampled_from(GROUPS[:2]),
    st.sets(st.sampled_from(CONNECTORS), max_size=3),
    st.integers(1, 3),
)
_update = st.tuples(st.just("update"), st.sampled_from(CONNECTORS), st.text("abc", max_size=3))
_delete = st.tuples(st.just("delete"), st.sampled_from(CONNECTORS))
_import = st.tuples(st.just("import"))
_cypher = st.tuples(st.just("cypher"), st.sampled_from(CONNECTORS), st.integers(0, 9))
STEPS = st.lists(st.one_of(_apply, _update, _delete, _import, _cypher), min_size=1, max_size=7)


def _manifest(group: str, connectors: set[str], port: int) -> dict[str, Any]:
    return group_manifest(group, sorted(connectors), port=port, interval=port)


def _exists(store: Store, name: str) -> bool:
    return bool(store.read("history_element_guids", {"qualifiedNames": [name]}))


def _run(store: Store, tmp_path: Path, step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "apply":
        _, group, connectors, port = step
        path = tmp_path / "m.yaml"
        path.write_text(yaml.safe_dump(_manifest(group, connectors, port)), encoding="utf-8")
        mf.apply(store, [path], prune=True, force=True)
    elif kind == "update" and _exists(store, step[1]):
        api.update_element(store, IntegrationConnector(qualifiedName=step[1], displayName=step[2]))
    elif kind == "delete" and _exists(store, step[1]):
        api.delete_element(store, step[1])
    elif kind == "import":
        import_archive(store, read_archive(ARCHIVES / "virtual_connection.omarchive"))
    elif kind == "cypher":
        store.driver.execute_query(
            "MATCH (n:Referenceable {qualifiedName: $name}) SET n.note = $value",
            {"name": step[1], "value": step[2]},
        )
        check_history(store)


def _resolved(store: Store) -> dict[str, ResolvedGroup | None]:
    found: dict[str, ResolvedGroup | None] = {}
    for group in GROUPS:
        try:
            found[group] = resolve_group(store, group)
        except NotFoundError:
            found[group] = None
    return found


def _moment() -> datetime:
    time.sleep(0.003)
    at = datetime.now(UTC)
    time.sleep(0.003)
    return at


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_as_of_and_diff_reproduce_every_recorded_time(
    store: Store, tmp_path: Path, steps: list[tuple[Any, ...]]
) -> None:
    wipe_database(store)
    recorded: list[tuple[datetime, dict[str, ResolvedGroup | None]]] = []
    for step in steps:
        _run(store, tmp_path, step)
        recorded.append((_moment(), _resolved(store)))
    for at, groups in recorded:
        for name, group in groups.items():
            if group is None:
                try:
                    resolve_group_as_of(store, name, at)
                except NotFoundError:
                    continue
                raise AssertionError(f"{name} found at {at} but it did not exist then")
            assert canonical_json(resolve_group_as_of(store, name, at)) == canonical_json(group)
    (first, docs_first), (last, docs_last) = recorded[0], recorded[-1]
    for name in GROUPS:
        if docs_first[name] is None and docs_last[name] is None:
            continue
        expected = group_changes(docs_first[name], docs_last[name])
        assert diff_group(store, name, first, last) == expected
