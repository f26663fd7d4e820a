"""Control requests for a connector another daemon runs, sent on to that daemon.

Under connector leases an operator may send ``refresh`` or ``restart`` to any daemon of
the set; the one that receives a request for a connector it does not run looks up the
holder of its lease and posts the same request to the holder's control API, with the
bearer token this daemon's own API uses, if any. No daemon knows another's token (tokens
are never stored in the graph), so forwarding works when the daemons that share groups
share one token (``api.token`` or ``SWITCHBOARD_DAEMON_TOKEN``) or the holder needs none;
when the holder refuses the token, :class:`~engine.errors.ForwardRefusedError` says so and
names the holder to send the request to directly. (``pause`` and ``resume`` are never
forwarded: they are stored with the lease, so tokens do not matter to them.)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from engine.daemon.cluster import UNASSIGNED, ConnectorHolder
from engine.errors import DaemonUnreachableError, ForwardRefusedError, NotFoundError

FORWARD_TIMEOUT = 15.0
"""Seconds a forwarded request may take."""


def forward_control(
    holder: ConnectorHolder, operation: str, body: dict[str, Any], *, token: str | None
) -> list[str]:
    """Post ``operation`` (``refresh``, ``restart``) for ``holder``'s connector to the daemon
    that holds it; the connectors it names. Raises :class:`NotFoundError` when no live daemon
    holds it, :class:`ForwardRefusedError` when the holder refuses ``token``,
    :class:`DaemonUnreachableError` when it does not answer or answers with an error."""
    if holder.holder == UNASSIGNED or not holder.holder_api_url:
        raise NotFoundError(
            f"connector '{holder.connector_name}' is not held by any live daemon now",
            hint="'switchboard daemon list' shows the holders; a free connector is "
            "claimed within a renew interval",
        )
    url = holder.holder_api_url.rstrip("/") + f"/{operation}"
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    where = f"daemon {holder.holder} at {holder.holder_api_url}"
    try:
        with urllib.request.urlopen(request, timeout=FORWARD_TIMEOUT) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise _refused(holder, operation, exc, where, token) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DaemonUnreachableError(
            f"connector '{holder.connector_name}' runs on {where}, which did not take the "
            f"{operation} request: {exc}",
            hint="send the request to that daemon directly ('switchboard daemon list')",
        ) from None
    return list(answer.get("connectors") or [])


def _refused(
    holder: ConnectorHolder,
    operation: str,
    exc: urllib.error.HTTPError,
    where: str,
    token: str | None,
) -> DaemonUnreachableError:
    """The error for an answer of the holder's API other than success."""
    try:
        detail = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        detail = {}
    said = detail.get("error") or detail.get("detail") if isinstance(detail, dict) else None
    if exc.code == 401:
        sent = "this daemon's bearer token" if token else "no bearer token (this daemon has none)"
        return ForwardRefusedError(
            f"connector '{holder.connector_name}' runs on {where}, which refused the "
            f"{operation} request passed on with {sent}: the daemons do not share one "
            "control API token",
            holder=holder.holder,
            api_url=holder.holder_api_url or "",
            hint=f"send it to {holder.holder_api_url} directly with that daemon's token "
            "(--url, --token), or give the daemons that share groups the same token "
            "(api.token or SWITCHBOARD_DAEMON_TOKEN)",
        )
    return DaemonUnreachableError(
        f"connector '{holder.connector_name}' runs on {where}, which answered the "
        f"{operation} request with {exc.code}: {said or exc.reason}",
        hint="send the request to that daemon directly ('switchboard daemon list')",
    )
