"""Unit tests run without I/O: asking for the Neo4j server here is an error, not a slow test."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def neo4j_server() -> None:
    pytest.fail("tests/unit/ runs without Neo4j; move a test that needs the server to tests/graph/")
