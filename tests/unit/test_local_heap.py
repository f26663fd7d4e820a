"""The embedded server's heap: at most 3g unless SWITCHBOARD_NEO4J_HEAP or the caller says,
starting at 512m (or less, when the largest heap is smaller) and growing as needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import LocalNeo4j, LocalNeo4jError


def test_heap_defaults_to_3g_and_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWITCHBOARD_NEO4J_HEAP", raising=False)
    assert LocalNeo4j(instance="x").heap == "3g"
    monkeypatch.setenv("SWITCHBOARD_NEO4J_HEAP", "2g")
    assert LocalNeo4j(instance="x").heap == "2g"
    assert LocalNeo4j(instance="x", heap="3g").heap == "3g"


def test_a_heap_that_is_not_a_jvm_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_NEO4J_HEAP", "lots")
    with pytest.raises(LocalNeo4jError):
        LocalNeo4j(instance="x")


@pytest.mark.parametrize(
    ("heap", "initial"),
    [("3g", "512m"), ("512m", "512m"), ("256m", "256m"), ("2048m", "512m"), ("262144k", "262144k")],
)
def test_the_server_starts_small_and_may_grow_to_the_heap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, heap: str, initial: str
) -> None:
    monkeypatch.delenv("SWITCHBOARD_NEO4J_HEAP", raising=False)
    local = LocalNeo4j(home=tmp_path, instance="x", heap=heap)
    local._write_conf(7687, None)
    conf = (local.conf_dir / "neo4j.conf").read_text(encoding="utf-8")
    assert f"server.memory.heap.initial_size={initial}\n" in conf
    assert f"server.memory.heap.max_size={heap}\n" in conf
