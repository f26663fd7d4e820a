"""Control API security: loopback by default, a configured token guards every endpoint but
/health, and schemathesis finds no server error anywhere in the published OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from engine.daemon import ApiServer, DaemonConfig, Supervisor, create_app
from engine.declare import manifest as mf
from engine.graph import Store

GROUP = "api:group"
TOKEN = "t0ken-for-tests"
FAKE = "tests.support.daemon_fakes:FakeProvider"


@pytest.fixture
def supervisor(store: Store, tmp_path: Any) -> Iterator[Supervisor]:
    manifest = {
        "connectorTypes": [{"qualifiedName": "api:ct", "connectorProviderClassName": FAKE}],
        "integrationGroups": [
            {
                "qualifiedName": GROUP,
                "connectors": [
                    {
                        "qualifiedName": f"api:connector:{i}",
                        "registration": {"connectorName": f"c{i}", "refreshTimeInterval": 60},
                        "connection": {
                            "qualifiedName": f"api:connection:{i}",
                            "connectorType": "api:ct",
                            "configurationProperties": {"key": f"api-{i}"},
                        },
                    }
                    for i in range(2)
                ],
            }
        ],
    }
    docs = [mf.parse_document("api", manifest)]
    mf.apply_documents(store, docs)
    sup = Supervisor(store, DaemonConfig.model_validate({"groups": [GROUP]}))
    assert sup.run_once(timeout=60).ok
    yield sup
    sup.stop()


def concrete(path: str) -> str:
    return path.replace("{serverName}", "switchboard").replace("{name}", GROUP)


def api_routes(sup: Supervisor) -> list[tuple[str, str]]:
    """Every operation of the published OpenAPI document."""
    document = create_app(sup, token=TOKEN).openapi()
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_control_api_listens_on_loopback_by_default(supervisor: Supervisor) -> None:
    config = DaemonConfig.model_validate({"groups": [GROUP]})
    assert config.api.host == "127.0.0.1"
    server = ApiServer(create_app(supervisor), config.api.host, 0)
    server.start()
    try:
        addresses = {sock.getsockname()[0] for s in server.server.servers for sock in s.sockets}
        assert addresses == {"127.0.0.1"}
    finally:
        server.stop()


def test_token_guards_every_endpoint_but_health(supervisor: Supervisor) -> None:
    client = TestClient(create_app(supervisor, token=TOKEN))
    routes = api_routes(supervisor)
    assert len(routes) >= 10 and ("GET", "/health") in routes
    for method, path in routes:
        url = concrete(path)
        body = {} if method == "POST" else None
        anonymous = client.request(method, url, json=body)
        wrong = client.request(method, url, json=body, headers={"Authorization": "Bearer nope"})
        basic = client.request(method, url, json=body, headers={"Authorization": f"Basic {TOKEN}"})
        right = client.request(method, url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        if path == "/health":
            assert anonymous.status_code == 200
            continue
        for response in (anonymous, wrong, basic):
            assert response.status_code == 401, (method, path, response.text)
            assert TOKEN not in response.text
        assert right.status_code not in (401, 403), (method, path, right.text)
        assert right.status_code < 500, (method, path, right.text)


def test_token_also_guards_the_api_documents(supervisor: Supervisor) -> None:
    client = TestClient(create_app(supervisor, token=TOKEN))
    for path in ("/openapi.json", "/docs", "/redoc", "/no-such-path"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    authorised = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/openapi.json", headers=authorised).json()["paths"]
    assert client.get("/docs", headers=authorised).status_code == 200
    open_client = TestClient(create_app(supervisor))
    assert open_client.get("/openapi.json").status_code == 200


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_server_error(supervisor: Supervisor, mode: GenerationMode) -> None:
    app = create_app(supervisor, token=TOKEN)
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", app, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=15,
            derandomize=True,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
            calls.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.text)
            assert TOKEN not in response.text

        try:
            check()
        except Unsatisfiable:
            # no invalid input exists for an operation without parameters or body
            assert mode == GenerationMode.NEGATIVE
    assert len(calls) >= 3 * len(operations)
