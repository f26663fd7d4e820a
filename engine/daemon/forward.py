"""Control requests for a connector another daemon runs, sent on to that daemon.

Under connector leases an operator may send ``refresh`` or ``restart`` to any daemon of
the set; the one that receives a request for a connector it does not run looks up the
holder of its lease and posts the same request to the holder's control API (with the
bearer token this daemon's own API uses, if any: daemons that share groups share it).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from engine.daemon.cluster import UNASSIGNED, ConnectorHolder
from engine.errors import DaemonUnreachableError, NotFoundError

FORWARD_TIMEOUT = 15.0
"""Seconds a forwarded request may take."""


def forward_control(
    holder: ConnectorHolder, operation: str, body: dict[str, Any], *, token: str | None
) -> list[str]:
    """Post ``operation`` (``refresh``, ``restart``) for ``holder``'s connector to the daemon
    that holds it; the connectors it names. Raises :class:`NotFoundError` when no live daemon
    holds it, :class:`DaemonUnreachableError` when the holder does not answer."""
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
    try:
        with urllib.request.urlopen(request, timeout=FORWARD_TIMEOUT) as response:
            answer = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DaemonUnreachableError(
            f"connector '{holder.connector_name}' runs on daemon {holder.holder} at "
            f"{holder.holder_api_url}, which did not take the {operation} request: {exc}",
            hint="send the request to that daemon directly ('switchboard daemon list')",
        ) from None
    return list(answer.get("connectors") or [])
