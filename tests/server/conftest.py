"""The metadata server over the session's Neo4j: in-process (TestClient) and on a real port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from engine.graph import Store
from engine.server import MetadataServer, ServerAuth, ServerOptions, create_server_app

SERVER_NAME = "test-server"


def open_options() -> ServerOptions:
    """A loopback server without tokens."""
    return ServerOptions(auth=ServerAuth(None, "no tokens"), server_name=SERVER_NAME)


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    """The server's application over the (wiped) test store, called in-process."""
    with TestClient(create_server_app(store, open_options())) as test_client:
        yield test_client


@pytest.fixture
def live_url(store: Store) -> Iterator[str]:
    """The server on a free loopback port, for clients in other threads and processes."""
    server = MetadataServer(create_server_app(store, open_options())).start()
    try:
        yield server.url
    finally:
        server.stop()
