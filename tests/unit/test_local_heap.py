"""The embedded server's heap: 1g unless SWITCHBOARD_NEO4J_HEAP or the caller says."""

from __future__ import annotations

import pytest

from engine.errors import LocalNeo4jError
from engine.local.server import LocalNeo4j


def test_heap_defaults_to_1g_and_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWITCHBOARD_NEO4J_HEAP", raising=False)
    assert LocalNeo4j(instance="x").heap == "1g"
    monkeypatch.setenv("SWITCHBOARD_NEO4J_HEAP", "2g")
    assert LocalNeo4j(instance="x").heap == "2g"
    assert LocalNeo4j(instance="x", heap="3g").heap == "3g"


def test_a_heap_that_is_not_a_jvm_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_NEO4J_HEAP", "lots")
    with pytest.raises(LocalNeo4jError):
        LocalNeo4j(instance="x")
