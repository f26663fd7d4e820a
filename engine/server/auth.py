"""Who may use the metadata server: users with hashed passwords, and the bearer tokens they get.

Users live in a YAML (or JSON) file, one hashed password each - never the password itself::

    users:
      alice: "scrypt$16384$8$1$<salt>$<hash>"     # from 'switchboard serve --hash-password'

``POST /api/token`` (Egeria's token endpoint: ``{"userId": ..., "password": ...}``) answers a
bearer token (plain text) that the other paths accept as ``Authorization: Bearer TOKEN``.
Tokens are random, kept in memory only and expire after :data:`TOKEN_LIFETIME` seconds.

The rule of the daemon's control API applies: bound to loopback the server needs tokens
only when a users file is given; bound to any other address it needs one (or, explicitly,
``insecure_no_token``), and refuses to start otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.errors import UsageError

TOKEN_LIFETIME = 8 * 3600.0
"""Seconds a bearer token from the token endpoint stays valid."""

_SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``password`` as ``scrypt$N$r$p$salt$hash`` (base64), for a users file."""
    if not password:
        raise UsageError("an empty password cannot be hashed", hint="choose a password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    parts = [_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)]
    return "$".join(parts)


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the hash ``encoded`` (constant time)."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest)
        given = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def is_password_hash(value: str) -> bool:
    """Whether ``value`` looks like a hash from :func:`hash_password` (not a plain password)."""
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == _SCHEME and all(parts)


def load_users(path: str | Path) -> dict[str, str]:
    """User name -> password hash from a users file; :class:`UsageError` for a bad file,
    naming the file and the user (a plain password is refused, never echoed)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except FileNotFoundError:
        raise UsageError(
            f"{p}: no such users file", hint="check the path given to --users"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{p}: cannot read the users file: {exc}") from None
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict) or not users:
        raise UsageError(
            f"{p}: expected a mapping 'users' of user name -> password hash",
            hint="e.g. users: {alice: <hash from 'switchboard serve --hash-password'>}",
        )
    out: dict[str, str] = {}
    for name, value in users.items():
        if not isinstance(value, str) or not is_password_hash(value):
            raise UsageError(
                f"{p}: users.{name}: not a password hash",
                hint="store hashes only: 'switchboard serve --hash-password' makes one",
            )
        out[str(name)] = value
    return out


@dataclass
class TokenIssuer:
    """Bearer tokens handed out by the token endpoint (in memory; lost at restart)."""

    users: dict[str, str]
    lifetime: float = TOKEN_LIFETIME
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, user: str, password: str) -> str | None:
        """A new token for ``user`` when ``password`` is right, else None."""
        encoded = self.users.get(user)
        if encoded is None or not verify_password(password, encoded):
            return None
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (user, now + self.lifetime)
        return token

    def user_for(self, token: str) -> str | None:
        """The user a valid token was issued to, else None."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]


@dataclass(frozen=True)
class ServerAuth:
    """How the server authenticates: ``issuer`` None means every request is let in."""

    issuer: TokenIssuer | None
    notice: str


def server_auth(
    host: str, users_file: str | Path | None, *, insecure_no_token: bool = False
) -> ServerAuth:
    """Decide the server's authentication (see the module docstring).

    Raises :class:`UsageError` for a bind beyond loopback without a users file (unless
    ``insecure_no_token``), or for a bad users file.
    """
    from engine.daemon import is_loopback

    if users_file is not None:
        if insecure_no_token:
            raise UsageError(
                "--insecure-no-token was given together with --users",
                hint="drop one of them",
            )
        users = load_users(users_file)
        return ServerAuth(
            TokenIssuer(users), f"bearer tokens required: {len(users)} user(s), POST /api/token"
        )
    if insecure_no_token:
        return ServerAuth(
            None, f"no tokens (--insecure-no-token): anyone who can reach {host} can write"
        )
    if not is_loopback(host):
        raise UsageError(
            f"serving on {host} (beyond loopback) needs tokens: no users file given",
            hint="pass --users FILE (hashes from 'switchboard serve --hash-password'), "
            "or bind to 127.0.0.1",
        )
    return ServerAuth(None, "no tokens (loopback only)")
