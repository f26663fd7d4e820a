"""Secret references (SPEC.md §5): resolved only when a connector starts.

The graph holds references, never values: ``env:NAME`` (an environment
variable), ``file:PATH`` (a file's content, surrounding whitespace removed),
or ``PURPOSE`` / ``PURPOSE:NAME`` (the secret ``NAME`` - by default the name
of the property being resolved - in the secrets store embedded in the
connection with ``displayName`` = ``PURPOSE``).

Resolved values are wrapped in :class:`pydantic.SecretStr` (whose ``str`` and
``repr`` are masked) and registered with :func:`redact`, which every daemon
log line, status message and API response goes through.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import SecretStr

from engine.errors import SecretUnavailableError

REDACTED = "********"

_lock = threading.Lock()
_known: dict[str, int] = {}


class SecretsStore:
    """A source of secrets, opened from a secrets-store connection."""

    def get(self, name: str) -> str | None:
        """The secret called ``name``, or ``None`` when the store has none."""
        raise NotImplementedError

    def close(self) -> None:
        """Release whatever the store holds open."""


def register_secrets(values: Iterable[str]) -> None:
    """Remember resolved values so :func:`redact` masks them everywhere."""
    with _lock:
        for value in values:
            if value:
                _known[value] = _known.get(value, 0) + 1


def forget_secrets(values: Iterable[str]) -> None:
    """Undo one :func:`register_secrets` of each value."""
    with _lock:
        for value in values:
            count = _known.get(value, 0) - 1
            if count <= 0:
                _known.pop(value, None)
            else:
                _known[value] = count


def redact(text: str) -> str:
    """``text`` with every resolved secret value replaced by ``********``."""
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def resolve_reference(
    reference: str,
    *,
    name: str,
    where: str,
    stores: Mapping[str, SecretsStore],
) -> SecretStr:
    """Resolve one reference for the property ``name`` of connection ``where``.

    Raises :class:`SecretUnavailableError` (never showing a value) when the
    variable, file, store or secret is missing, or when the value is not a
    reference at all (a plaintext secret in the graph, rule 14).
    """
    if reference.startswith("env:"):
        var = reference[4:]
        value = os.environ.get(var)
        if value is None:
            raise SecretUnavailableError(
                f"{where}: {name} refers to environment variable {var}, which is not set",
                hint=f"export {var} in the daemon's environment",
            )
        return SecretStr(value)
    if reference.startswith("file:"):
        path = Path(reference[5:]).expanduser()
        try:
            return SecretStr(path.read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise SecretUnavailableError(
                f"{where}: {name} refers to file {path}, which cannot be read ({exc.strerror})",
                hint="create the file or fix the reference",
            ) from None
    purpose, _, secret_name = reference.partition(":")
    store = stores.get(purpose)
    if store is None:
        raise SecretUnavailableError(
            f"{where}: {name} is not a secret reference (expected env:NAME, file:PATH or "
            f"the purpose of an embedded secrets-store connection; purposes here: "
            f"{', '.join(sorted(stores)) or 'none'})",
            hint="store a reference in the graph, never the secret itself",
        )
    value = store.get(secret_name or name)
    if value is None:
        raise SecretUnavailableError(
            f"{where}: secrets store '{purpose}' has no secret named '{secret_name or name}'",
            hint="add it to the store's collection",
        )
    return SecretStr(value)
