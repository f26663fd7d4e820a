"""Egeria's REST response envelope (``FFDCResponseBase``) and the JSON conventions around it.

Every response of an Egeria REST API is a JSON object whose ``class`` names the
response class, with ``relatedHTTPCode`` (200 when it worked). A failure keeps the
HTTP status 200 and fills the envelope: ``exceptionClassName``,
``exceptionErrorMessage`` (the message id, a space, the message text),
``exceptionErrorMessageId``, ``exceptionErrorMessageParameters``,
``exceptionSystemAction``, ``exceptionUserAction`` and ``exceptionProperties``.
Fields that are null (and empty lists, which Egeria's getters turn to null) are left
out, as Egeria's Jackson beans do (``JsonInclude.Include.NON_NULL``); dates are
ISO-8601 text with milliseconds and an offset.

:class:`EgeriaMessage` is one message definition (Egeria's ``ExceptionMessageDefinition``);
:class:`EgeriaRequestError` a failure to report; :func:`ffdc_envelope` builds the
response document, successful or not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

INVALID_PARAMETER_EXCEPTION = (
    "org.odpi.openmetadata.frameworks.openmetadata.ffdc.InvalidParameterException"
)
"""Egeria's exception class for a bad name, GUID or request body."""
PROPERTY_SERVER_EXCEPTION = (
    "org.odpi.openmetadata.frameworks.openmetadata.ffdc.PropertyServerException"
)
"""Egeria's exception class for a failure inside the server (its metadata store)."""


@dataclass(frozen=True)
class EgeriaMessage:
    """One message definition: HTTP code, message id, text with ``{0}``-style inserts,
    what the system did and what the user should do."""

    http_code: int
    message_id: str
    template: str
    system_action: str
    user_action: str

    def text(self, parameters: Sequence[str]) -> str:
        """The message as Egeria sends it: ``ID text`` with the parameters inserted."""
        body = self.template
        for index, value in enumerate(parameters):
            body = body.replace(f"{{{index}}}", value)
        return f"{self.message_id} {body}"


@dataclass
class EgeriaRequestError(Exception):
    """A request that fails with ``message``: reported in the operation's envelope."""

    message: EgeriaMessage
    parameters: Sequence[str] = ()
    exception_class: str = INVALID_PARAMETER_EXCEPTION
    properties: Mapping[str, Any] = field(default_factory=dict)
    """``exceptionProperties``, e.g. ``{"parameterName": "connectorName"}``."""

    def __str__(self) -> str:
        return self.message.text(self.parameters)


def ffdc_envelope(
    response_class: str,
    error: EgeriaRequestError | None = None,
    *,
    action: str | None = None,
    **payload: Any,
) -> dict[str, Any]:
    """The response document of class ``response_class``: its payload fields when it worked,
    the error fields of ``error`` otherwise (``action``: Egeria's ``actionDescription``,
    the operation's name). Null and empty fields are left out."""
    document: dict[str, Any] = {"class": response_class, "relatedHTTPCode": 200}
    if error is None:
        document.update(payload)
        return without_empty(document)
    message = error.message
    document.update(
        relatedHTTPCode=message.http_code,
        exceptionClassName=error.exception_class,
        actionDescription=action,
        exceptionErrorMessage=message.text(error.parameters),
        exceptionErrorMessageId=message.message_id,
        exceptionErrorMessageParameters=[str(p) for p in error.parameters],
        exceptionSystemAction=message.system_action,
        exceptionUserAction=message.user_action,
        exceptionProperties=dict(error.properties) or None,
    )
    return without_empty(document)


def without_empty(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` without its null fields and empty lists (one level: each bean leaves
    out its own; a map Egeria's getter turns to null when empty is the caller's to drop)."""
    return {k: v for k, v in document.items() if not _empty(v)}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, list | tuple) and not value)


def egeria_time(value: datetime | str | None) -> str | None:
    """A time as Egeria's REST APIs send a ``Date``: ISO-8601 with milliseconds and an
    offset (``2026-01-31T09:15:00.123+00:00``); a naive time is taken as UTC."""
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds")
