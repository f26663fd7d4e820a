"""Who decides the control API's token: loopback needs none, anything beyond needs one
(the one given, or one generated once into an owner-only file), and only an explicit
insecureNoToken serves without it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from engine import UsageError
from engine.daemon import (
    TOKEN_ENV,
    ApiConfig,
    TokenSource,
    api_auth,
    api_token_file,
    is_loopback,
    stored_api_token,
)


@pytest.fixture(autouse=True)
def no_token_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "daemon.example"])
def test_addresses_beyond_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_loopback_without_a_token_needs_none(tmp_path: Path) -> None:
    auth = api_auth(ApiConfig(host="127.0.0.1"), home=tmp_path)
    assert auth.token is None and auth.source is TokenSource.NONE
    assert not api_token_file(tmp_path).exists()


def test_beyond_loopback_generates_one_token_in_an_owner_only_file(tmp_path: Path) -> None:
    first = api_auth(ApiConfig(host="0.0.0.0"), home=tmp_path)
    assert first.source is TokenSource.GENERATED and first.token
    path = api_token_file(tmp_path)
    assert first.token_file == path
    assert path.read_text().strip() == first.token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = api_auth(ApiConfig(host="192.168.1.20"), home=tmp_path)
    assert again.token == first.token
    assert stored_api_token(create=False, home=tmp_path) == first.token
    notice = first.notice("0.0.0.0")
    assert str(path) in notice and "switchboard daemon token" in notice
    assert first.token not in notice


def test_a_given_token_wins_over_the_generated_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = api_auth(ApiConfig(host="0.0.0.0", token="from-config"), home=tmp_path)
    assert (configured.token, configured.source) == ("from-config", TokenSource.CONFIGURED)
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    from_env = api_auth(ApiConfig(host="0.0.0.0"), home=tmp_path)
    assert (from_env.token, from_env.source) == ("from-env", TokenSource.ENVIRONMENT)
    monkeypatch.setenv("DAEMON_TOKEN_FOR_TEST", "from-reference")
    referenced = api_auth(ApiConfig(token="env:DAEMON_TOKEN_FOR_TEST"), home=tmp_path)
    assert referenced.token == "from-reference"
    assert not api_token_file(tmp_path).exists()


def test_insecure_no_token_serves_without_one(tmp_path: Path) -> None:
    config = ApiConfig.model_validate({"host": "0.0.0.0", "insecureNoToken": True})
    auth = api_auth(config, home=tmp_path)
    assert auth.token is None and auth.source is TokenSource.INSECURE
    assert "--insecure-no-token" in auth.notice("0.0.0.0")
    assert not api_token_file(tmp_path).exists()


def test_insecure_no_token_together_with_a_token_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UsageError, match=r"api\.token"):
        api_auth(ApiConfig(host="0.0.0.0", token="t", insecure_no_token=True), home=tmp_path)
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    with pytest.raises(UsageError, match=TOKEN_ENV):
        api_auth(ApiConfig(host="0.0.0.0", insecure_no_token=True), home=tmp_path)


def test_an_unreadable_reference_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="NO_SUCH_DAEMON_TOKEN_VARIABLE"):
        api_auth(ApiConfig(token="env:NO_SUCH_DAEMON_TOKEN_VARIABLE"), home=tmp_path)


def test_stored_token_without_create_and_an_empty_file(tmp_path: Path) -> None:
    assert stored_api_token(create=False, home=tmp_path) is None
    path = api_token_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("\n")
    with pytest.raises(UsageError, match="empty"):
        stored_api_token(create=True, home=tmp_path)
