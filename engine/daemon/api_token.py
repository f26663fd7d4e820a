"""Who may use the control API: the bearer token and the rule that decides when one is needed.

A control API bound to loopback (``127.0.0.1``, ``::1``, ``localhost``) needs a token
only when one is given. Bound to any other address it always needs one: the token
given (``api.token``, or :data:`TOKEN_ENV`), or else one this module generates once
and keeps in :func:`api_token_file`, a file only its owner can read (like the
embedded default's Neo4j password), shown only on request (``switchboard daemon
token``). ``insecure_no_token`` is the explicit way to serve without one; the process
logs a warning about it at every start.

The CLI commands that talk to a daemon fall back on the same stored token, so an
operator on the daemon's machine needs no ``--token``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from engine.daemon.config import ApiConfig
from engine.errors import SecretUnavailableError, UsageError
from engine.providers.secrets import resolve_reference
from engine.settings import switchboard_home

__all__ = [
    "TOKEN_ENV",
    "ApiAuth",
    "TokenSource",
    "api_auth",
    "api_token_file",
    "is_loopback",
    "resolve_api_token",
    "stored_api_token",
]

TOKEN_ENV = "SWITCHBOARD_DAEMON_TOKEN"
"""The environment variable holding the control API's bearer token when none is configured."""


class TokenSource(Enum):
    """Where the control API's token came from."""

    CONFIGURED = "configured"
    """``api.token`` in the daemon configuration (a value or an env:/file: reference)."""
    ENVIRONMENT = "environment"
    """:data:`TOKEN_ENV`."""
    GENERATED = "generated"
    """Generated once and stored in :func:`api_token_file` (bound beyond loopback)."""
    NONE = "none"
    """No token: bound to loopback and none given."""
    INSECURE = "insecure"
    """No token, explicitly (``insecure_no_token``)."""


@dataclass(frozen=True)
class ApiAuth:
    """The control API's authentication as decided at start."""

    token: str | None
    source: TokenSource
    token_file: Path | None = None
    """Where a generated token is stored (only for :attr:`TokenSource.GENERATED`)."""

    def notice(self, host: str) -> str:
        """One line for the start message: whether a token is needed and where to find it
        (never the token itself)."""
        if self.source is TokenSource.GENERATED:
            return (
                f"bearer token required (bound to {host}, beyond loopback): the one stored in "
                f"{self.token_file}; show it with 'switchboard daemon token'"
            )
        if self.source is TokenSource.CONFIGURED:
            return "bearer token required: the one in the daemon configuration (api.token)"
        if self.source is TokenSource.ENVIRONMENT:
            return f"bearer token required: the one in {TOKEN_ENV}"
        if self.source is TokenSource.INSECURE:
            return (
                f"no bearer token (--insecure-no-token): anyone who can reach {host} can see "
                "the status and refresh, restart or pause connectors"
            )
        return "no bearer token (loopback only)"


def is_loopback(host: str) -> bool:
    """Whether ``host`` reaches only this machine: a loopback address or ``localhost``.
    Any other name counts as beyond loopback (it may resolve to anything)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def api_token_file(home: Path | None = None) -> Path:
    """The file holding the generated control API token (``$SWITCHBOARD_HOME/daemon/token``)."""
    return (home or switchboard_home()) / "daemon" / "token"


def stored_api_token(*, create: bool, home: Path | None = None) -> str | None:
    """The generated token from :func:`api_token_file`; with ``create``, one is generated and
    stored (owner-only file) when there is none yet. None when there is none and not ``create``.

    Raises :class:`UsageError` when the file exists but cannot be read or is empty.
    """
    path = api_token_file(home)
    if path.exists() or not create:
        return _read_token_file(path) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    token = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process stored one first: use that one
        return _read_token_file(path)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token


def _read_token_file(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UsageError(
            f"cannot read the control API token file {path}: {exc.strerror}",
            hint="run as the user who started the daemon, or delete the file to generate a new token",
        ) from None
    if not token:
        raise UsageError(
            f"the control API token file {path} is empty",
            hint="delete it; the next daemon start (or 'switchboard daemon token') generates one",
        )
    return token


def resolve_api_token(value: str | None) -> str | None:
    """The control API token: ``value`` itself, the secret an ``env:``/``file:`` reference
    names, or (no value) :data:`TOKEN_ENV`; None when neither gives one.

    Raises :class:`~engine.errors.SecretUnavailableError` for a reference that cannot be read.
    """
    if not value:
        return os.environ.get(TOKEN_ENV) or None
    if value.startswith(("env:", "file:")):
        return resolve_reference(
            value, name="token", where="daemon configuration", stores={}
        ).get_secret_value()
    return value


def api_auth(api: ApiConfig, *, home: Path | None = None) -> ApiAuth:
    """Decide the control API's token for ``api`` (see the module docstring).

    Raises :class:`UsageError` for a token reference that cannot be read, or for
    ``insecure_no_token`` together with a token.
    """
    try:
        token = resolve_api_token(api.token)
    except SecretUnavailableError as exc:
        raise UsageError(exc.message, hint=exc.hint) from None
    source = TokenSource.CONFIGURED if api.token else TokenSource.ENVIRONMENT
    if api.insecure_no_token:
        if token is not None:
            where = "api.token" if api.token else TOKEN_ENV
            raise UsageError(
                f"--insecure-no-token (insecureNoToken) was given together with a token ({where})",
                hint=f"drop one of them: remove the token from {where}, or the insecure option",
            )
        return ApiAuth(None, TokenSource.INSECURE)
    if token is not None:
        return ApiAuth(token, source)
    if is_loopback(api.host):
        return ApiAuth(None, TokenSource.NONE)
    generated = stored_api_token(create=True, home=home)
    return ApiAuth(generated, TokenSource.GENERATED, api_token_file(home))
