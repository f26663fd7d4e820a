"""How the metadata server answers a refused request: the status code and the body.

The engine raises typed errors (:mod:`engine.errors`); this module is the one place that
turns them into HTTP. A native answer carries what the CLI prints for the same error -
``error`` (the message, which names the file or source and the path inside it), ``hint``
(how to fix it) - plus the error's type and the CLI's exit code::

    {"error": "request body: integrationGroups[0].qualifiedName: required",
     "hint": "see docs/manifests.md or 'switchboard schema'",
     "errorType": "ManifestError", "exitCode": 2}

Status codes: 422 for a document that cannot be used (a manifest, an archive, an element
body), 400 for other bad input (parameters), 404 for something missing, 409 for a conflict,
412 for a stale ``If-Match``, 503 when Neo4j cannot be reached, 500 for other store failures.
"""

from __future__ import annotations

from typing import Any

from engine.errors import (
    ArchiveError,
    ConflictError,
    ConstraintViolation,
    ManifestError,
    NotFoundError,
    QueryNotFoundError,
    StoreError,
    StoreTransientError,
    StoreUnavailableError,
    SwitchboardError,
    UsageError,
)


class DocumentError(UsageError):
    """A request body that does not fit its model (an element, a relationship, an Egeria body)."""


class PreconditionFailed(ConflictError):
    """An ``If-Match`` named a version the element has moved past (answered with 412)."""


def status_for(exc: SwitchboardError) -> int:
    """The HTTP status that answers ``exc``."""
    if isinstance(exc, PreconditionFailed):
        return 412
    if isinstance(exc, ManifestError | ArchiveError | DocumentError):
        return 422
    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, NotFoundError | QueryNotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, StoreUnavailableError | StoreTransientError):
        return 503
    if isinstance(exc, StoreError):
        return 500
    return 400 if exc.exit_code == 2 else 500


def native_problem(exc: SwitchboardError) -> dict[str, Any]:
    """The native body of a refused request: the CLI's message and hint, the type, the exit code."""
    return {
        "error": exc.message,
        "hint": exc.hint,
        "errorType": type(exc).__name__,
        "exitCode": exc.exit_code,
    }


def stale_version(exc: ConflictError) -> SwitchboardError:
    """``exc`` as the answer to an ``If-Match`` (412), unless it is a uniqueness conflict."""
    if isinstance(exc, ConstraintViolation):
        return exc
    return PreconditionFailed(
        exc.message, hint=exc.hint or "read the element again (GET) and retry with its ETag"
    )
