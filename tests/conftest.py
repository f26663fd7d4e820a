"""Test session fixtures: a real Neo4j 5 server, wiped between tests.

Where the server comes from, in order:

1. ``NEO4J_URI`` (with ``NEO4J_USERNAME``/``NEO4J_PASSWORD``): an existing
   server. Its data is wiped between tests, so the session refuses to run
   unless ``--allow-wipe`` (or ``SWITCHBOARD_TEST_ALLOW_WIPE=1``) says so.
2. ``--testcontainers``: a ``neo4j:5.26-community`` container (needs Docker).
3. Otherwise the embedded default, as a dedicated instance named
   ``SWITCHBOARD_TEST_INSTANCE`` (default ``pytest``) that the session starts
   and stops itself, on a free port other than the default 7687 (so that a test that
   stops and restarts it finds its port still free when other servers start meanwhile)
   and with ``TEST_SERVER_CONF`` (a clean stop in under a second).

Tests that stop, kill and restart a server (crash consistency, daemon outages,
endurance) share the session's embedded instance through ``restartable_server``
rather than starting one of their own: every JVM start costs 10-30 s.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from engine import Neo4jSettings
from engine.graph import Store, init_schema
from engine.graph.writer import wipe_database
from engine.local import LocalNeo4j, free_port
from tests.support.reliability_helpers import (
    TEST_SERVER_CONF,
    DedicatedServer,
    dedicated_server,
    instance_name,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--testcontainers",
        action="store_true",
        help="run Neo4j in a testcontainers neo4j:5.26-community container (needs Docker)",
    )
    parser.addoption(
        "--allow-wipe",
        action="store_true",
        help="allow wiping the database at NEO4J_URI between tests",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files (tests/golden/) from the current output instead of comparing",
    )


@dataclass(frozen=True)
class TestServer:
    __test__ = False  # a fixture's value, not a test class for pytest to collect

    settings: Neo4jSettings
    started_here: bool
    local: LocalNeo4j | None

    def env(self) -> dict[str, str]:
        """Environment variables that point the CLI at this server."""
        return {
            "NEO4J_URI": self.settings.uri or "",
            "NEO4J_USERNAME": self.settings.username,
            "NEO4J_PASSWORD": self.settings.password or "",
            "NEO4J_DATABASE": self.settings.database or "",
        }


@pytest.fixture(scope="session")
def neo4j_server(request: pytest.FixtureRequest) -> Iterator[TestServer]:
    config = request.config
    uri = os.environ.get("NEO4J_URI")
    if uri:
        allowed = (
            config.getoption("--allow-wipe") or os.environ.get("SWITCHBOARD_TEST_ALLOW_WIPE") == "1"
        )
        if not allowed:
            pytest.exit(
                f"NEO4J_URI={uri} is set and the tests wipe the database between cases; "
                "pass --allow-wipe (or SWITCHBOARD_TEST_ALLOW_WIPE=1) if that is intended, "
                "or unset NEO4J_URI to use a test instance of the embedded server",
                returncode=2,
            )
        yield TestServer(Neo4jSettings.from_env(), False, None)
        return
    if config.getoption("--testcontainers"):
        from testcontainers.neo4j import Neo4jContainer

        password = secrets.token_urlsafe(16)
        with Neo4jContainer("neo4j:5.26-community", password=password) as container:
            settings = Neo4jSettings(
                uri=container.get_connection_url(), username="neo4j", password=password
            )
            yield TestServer(settings, True, None)
        return
    local = LocalNeo4j(instance=instance_name(), port=free_port(), extra_conf=TEST_SERVER_CONF)
    result = local.start()
    settings = Neo4jSettings(uri=result.uri, username="neo4j", password=local.password())
    try:
        yield TestServer(settings, not result.already_running, local)
    finally:
        if not result.already_running:
            local.stop()


@pytest.fixture(scope="session")
def restartable_server(neo4j_server: TestServer) -> Iterator[DedicatedServer]:
    """A server that tests may stop, SIGKILL and restart (on the same Bolt port).

    The session's own embedded instance when there is one (later tests find it running
    again: every restart waits until it answers); with ``--testcontainers`` a dedicated
    embedded instance ``<test instance>-restartable``. Tests that need it skip or fail
    themselves when ``NEO4J_URI`` points at a server they cannot restart.
    """
    if neo4j_server.local is not None:
        server = DedicatedServer(neo4j_server.local)
        try:
            yield server
        finally:
            server.store.close()
        return
    with dedicated_server("restartable") as server:
        yield server


@pytest.fixture(scope="session")
def session_store(neo4j_server: TestServer) -> Iterator[Store]:
    store = Store.connect(neo4j_server.settings)
    init_schema(store)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def store(session_store: Store) -> Store:
    """The test server's store, with every node and relationship removed first."""
    wipe_database(session_store)
    return session_store


@pytest.fixture
def cli_env(neo4j_server: TestServer, store: Store) -> dict[str, str]:
    """Environment for CliRunner so the CLI talks to the (wiped) test server."""
    return neo4j_server.env()
