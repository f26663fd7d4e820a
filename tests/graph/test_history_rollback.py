"""diff between times and rollback to a time, against a real Neo4j."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import ConflictError, IntegrationConnector
from engine.declare import manifest as mf
from engine.graph import Store, canonical_document, resolve_group
from engine.graph import elements as api
from engine.history import change_history, diff_group, group_changes, rollback_group
from tests.support.history_manifests import group_manifest

GROUP = "g"
AUDIT = ("createTime", "updateTime", "version", "createdBy", "updatedBy")


def manifest(*connectors: str, group: str = GROUP, port: int = 1) -> dict[str, Any]:
    return group_manifest(group, connectors, port=port, interval=port)


def apply(store: Store, tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    mf.apply(store, [path])


def moment() -> datetime:
    time.sleep(0.005)
    at = datetime.now(UTC)
    time.sleep(0.005)
    return at


def without_audit(value: Any) -> Any:
    """A resolved document without versions, audit fields and guids of relationships made anew."""
    if isinstance(value, dict):
        return {k: without_audit(v) for k, v in value.items() if k not in (*AUDIT, "guid")}
    if isinstance(value, list):
        return [without_audit(v) for v in value]
    return value


def test_diff_between_times_equals_difference_of_documents(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1", "c2"))
    t1, doc1 = moment(), resolve_group(store, GROUP)
    apply(store, tmp_path, manifest("c1", "c3", port=2))
    api.update_element(store, IntegrationConnector(qualifiedName="c1", displayName="one"))
    t2, doc2 = moment(), resolve_group(store, GROUP)
    changes = diff_group(store, GROUP, t1, t2)
    assert [c.as_dict() for c in changes] == [c.as_dict() for c in group_changes(doc1, doc2)]
    by_name = {c.name: c for c in changes}
    assert by_name["c3"].action == "create"
    assert by_name["c1"].action == "update" and "displayName" in by_name["c1"].diff
    assert by_name["c1-conn"].diff["configurationProperties"] == ({"port": 1}, {"port": 2})
    assert not diff_group(store, GROUP, t2)  # nothing since t2


def test_rollback_restores_the_document_apart_from_audit(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1", "c2"))
    t1, doc1 = moment(), resolve_group(store, GROUP)
    apply(store, tmp_path, manifest("c1", "c2", "c3", port=2))
    api.update_element(store, IntegrationConnector(qualifiedName="c1", displayName="one"))
    before = canonical_document(resolve_group(store, GROUP))
    dry = rollback_group(store, GROUP, t1, dry_run=True)
    assert dry.dry_run and dry.plan.change_count > 0
    assert canonical_document(resolve_group(store, GROUP)) == before  # dry run wrote nothing
    rollback_group(store, GROUP, t1)
    after = resolve_group(store, GROUP)
    assert without_audit(canonical_document(after)) == without_audit(canonical_document(doc1))
    newest = change_history(store)[0]
    assert newest.tool == "rollback" and GROUP in newest.summary
    versions = {c.name: c.version_after for c in newest.changes if c.kind == "element"}
    assert versions["c1"] == 3  # a new version, not the old one back


def test_rollback_refuses_a_connector_taken_over(store: Store, tmp_path: Path) -> None:
    apply(store, tmp_path, manifest("c1"))
    t1 = moment()
    api.unregister_connector(store, GROUP, "c1")
    apply(store, tmp_path, manifest("c1", group="other"))
    with pytest.raises(ConflictError, match="other"):
        rollback_group(store, GROUP, t1)
