"""Who may use the metadata server: loopback by default, tokens from Egeria's token endpoint
against a users file of hashed passwords, and no bind beyond loopback without them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli.main import cli
from engine import UsageError
from engine.graph import Store, get_element
from engine.server import (
    TOKEN_PATHS,
    ServerOptions,
    create_server_app,
    hash_password,
    load_users,
    server_auth,
    verify_password,
)
from tests.server.conftest import SERVER_NAME

PASSWORD = "correct horse battery staple"


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.yaml"
    path.write_text(yaml.safe_dump({"users": {"alice": hash_password(PASSWORD)}}))
    return path


@pytest.fixture
def guarded(store: Store, users_file: Path) -> Iterator[TestClient]:
    auth = server_auth("0.0.0.0", users_file)
    app = create_server_app(store, ServerOptions(auth=auth, server_name=SERVER_NAME))
    with TestClient(app) as client:
        yield client


def test_hashes_verify_only_their_password() -> None:
    encoded = hash_password(PASSWORD)
    assert PASSWORD not in encoded and encoded.startswith("scrypt$")
    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD + "!", encoded)
    assert not verify_password(PASSWORD, "plain-text")


def test_a_users_file_with_a_plain_password_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    path.write_text("users:\n  bob: hunter2\n")
    with pytest.raises(UsageError) as caught:
        load_users(path)
    assert "users.bob: not a password hash" in caught.value.message
    assert "hunter2" not in str(caught.value)


def test_beyond_loopback_needs_a_users_file_or_the_explicit_insecure_option(
    users_file: Path,
) -> None:
    with pytest.raises(UsageError, match="beyond loopback"):
        server_auth("0.0.0.0", None)
    assert server_auth("127.0.0.1", None).issuer is None
    assert server_auth("0.0.0.0", None, insecure_no_token=True).issuer is None
    assert server_auth("0.0.0.0", users_file).issuer is not None


def test_serve_beyond_loopback_without_users_exits_2(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"], env=cli_env)
    assert result.exit_code == 2
    assert "beyond loopback" in result.stderr


def test_serve_hash_password_prints_a_hash_that_verifies() -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--hash-password"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0
    assert verify_password(PASSWORD, result.stdout.strip())


def test_paths_need_a_token_from_the_token_endpoint(guarded: TestClient, store: Store) -> None:
    assert guarded.get("/health").status_code == 200
    assert guarded.get("/openapi.json").status_code == 200
    refused = guarded.get("/api/v1/groups")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    wrong = guarded.post("/api/token", json={"userId": "alice", "password": "nope"})
    assert wrong.status_code == 401
    token = guarded.post("/api/token", json={"userId": "alice", "password": PASSWORD})
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.text}"}
    assert guarded.get("/api/v1/groups", headers=headers).status_code == 200
    created = guarded.post(
        "/api/v1/elements",
        json={"typeName": "IntegrationGroup", "qualifiedName": "g"},
        headers=headers,
    )
    assert created.status_code == 201
    assert get_element(store, "g").audit.createdBy == "alice"
    egeria = guarded.post(
        f"/servers/{SERVER_NAME}/api/open-metadata/connection-maker/endpoints",
        json={"properties": {"class": "EndpointProperties", "qualifiedName": "e"}},
    )
    assert egeria.status_code == 401
    forged = guarded.get("/api/v1/groups", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_the_token_endpoint_is_egerias_login(guarded: TestClient, path: str) -> None:
    url = path.replace("{serverName}", SERVER_NAME)
    for login in ({"userId": "alice"}, {"username": "alice"}):
        issued = guarded.post(url, json={**login, "password": PASSWORD})
        assert issued.status_code == 200
        assert issued.headers["content-type"].startswith("text/plain")  # the token itself
        headers = {"Authorization": f"Bearer {issued.text}"}
        assert guarded.get("/api/v1/groups", headers=headers).status_code == 200
    for refused in ({"userId": "alice", "password": "nope"}, {"password": PASSWORD}):
        answer = guarded.post(url, json=refused)
        assert (answer.status_code, answer.headers["www-authenticate"]) == (401, "Bearer")
    assert guarded.post(url, json={"userId": "alice"}).status_code == 422
