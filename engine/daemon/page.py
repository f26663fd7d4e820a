"""The daemon's status page for operators, served by the control API at ``/``.

Plain server-rendered HTML with a small inline stylesheet and script: no build
step, nothing fetched from anywhere but the daemon itself. It shows every group
and connector (state, last and next refresh, restarts and the change set behind the last
one, refresh counts, the last error with its trace, validation errors); under connector leases also this daemon's
id, the connectors whose lease it lost (why, when), the live daemons and the holder of
every connector of its groups (name, id, control API, epoch, lease expiry, ``UNASSIGNED``
where no live daemon holds it), as ``GET /daemons`` shows them; it reloads itself every
few seconds (``?refresh=N``
seconds, ``0`` to stop), and its refresh, restart, pause and resume buttons call
the JSON API (``POST /refresh`` ...) with ``Authorization: Bearer``, under the
same token rules as every other path.

With a token, the page first asks for it (``POST /login``): a correct token is kept
in a session cookie for this daemon's port (SameSite=Strict, gone when the browser
closes), which lets the server render the page and the page's script send the token
as a bearer header; the JSON API itself accepts only the header. ``POST /logout``
forgets it. Every page passes through :func:`engine.providers.secrets.redact`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from html import escape
from typing import Annotated
from urllib.parse import parse_qs, quote, unquote

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.daemon.status import (
    UNASSIGNED,
    ClusterStatus,
    ConnectorStatus,
    DaemonStatus,
    GroupStatus,
    LeaseStatus,
)
from engine.daemon.supervisor import Supervisor
from engine.providers.secrets import redact

__all__ = [
    "DEFAULT_REFRESH_SECONDS",
    "PAGE_PATHS",
    "add_status_page",
    "cookie_token_ok",
    "render_login_page",
    "render_status_page",
    "token_cookie_name",
]

PAGE_PATHS = ("/", "/login", "/logout")
"""The page's paths: they check the token themselves (header or cookie), so the API's
bearer-only middleware lets them through."""

DEFAULT_REFRESH_SECONDS = 5
"""How often the page reloads itself unless ``?refresh=N`` says otherwise."""

FAILED_STATES = frozenset({"FAILED", "CONFIG_FAILED", "INITIALIZE_FAILED"})

STYLE = """
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
header p, .meta { color: #5a6272; margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border: 1px solid #d9dde4; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #eceff3; font-weight: 600; font-size: .85rem; }
td small { color: #5a6272; }
pre { white-space: pre-wrap; font-size: .78rem; max-height: 20rem; overflow: auto; }
button { font: inherit; font-size: .8rem; padding: .15rem .5rem; margin: .1rem; cursor: pointer; }
.badge, .state { display: inline-block; padding: .05rem .45rem; border-radius: .6rem;
  font-size: .8rem; font-weight: 600; background: #e3e6eb; }
.ok, .state-WAITING, .state-RUNNING { background: #d9f2df; color: #11602a; }
.state-REFRESHING { background: #d7eef6; color: #0b5569; }
.state-INITIALIZED { background: #dde6fa; color: #1c3f94; }
.state-STOPPED { background: #e6e6e6; color: #555; }
.degraded, .state-FAILED, .state-CONFIG_FAILED { background: #fadcdc; color: #9b1111; }
.state-INITIALIZE_FAILED { background: #fbeccc; color: #7a4d00; }
.error { max-width: 40rem; } .last-error, .login .error { color: #9b1111; }
td.actions { white-space: nowrap; }
.unassigned, .lost { color: #9b1111; font-weight: 600; }
#message { min-height: 1.2rem; } #message.failed { color: #9b1111; }
.login { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 1.5rem;
  border: 1px solid #d9dde4; border-radius: .4rem; }
.login input { width: 100%; box-sizing: border-box; margin: .4rem 0 .8rem; padding: .3rem; }
form.inline { display: inline; }
"""

SCRIPT = """
(function () {
  const cookieName = document.body.dataset.tokenCookie;
  const message = document.getElementById('message');
  function token() {
    for (const part of document.cookie.split('; ')) {
      const at = part.indexOf('=');
      if (part.slice(0, at) === cookieName) return decodeURIComponent(part.slice(at + 1));
    }
    return null;
  }
  function show(text, failed) {
    message.textContent = text;
    message.className = failed ? 'failed' : 'ok-text';
  }
  const kept = sessionStorage.getItem('switchboard.message');
  if (kept) { show(kept, false); sessionStorage.removeItem('switchboard.message'); }
  async function control(button) {
    const op = button.dataset.op;
    const body = {};
    if (button.dataset.connector) body.connector = button.dataset.connector;
    if (button.dataset.onlyFailed) body.onlyFailed = true;
    const headers = {'Content-Type': 'application/json'};
    const bearer = token();
    if (bearer) headers['Authorization'] = 'Bearer ' + bearer;
    button.disabled = true;
    try {
      const response = await fetch(op, {method: 'POST', headers, body: JSON.stringify(body)});
      const doc = await response.json();
      if (!response.ok) {
        show(op + ' failed (' + response.status + '): ' + (doc.error || doc.detail), true);
        return;
      }
      const done = op + ': ' + (doc.connectors.join(', ') || 'no connector affected');
      show(done, false);
      sessionStorage.setItem('switchboard.message', done);
      setTimeout(function () { location.reload(); }, 500);
    } catch (error) {
      show(op + ' failed: ' + error, true);
    } finally {
      button.disabled = false;
    }
  }
  for (const button of document.querySelectorAll('button[data-op]')) {
    button.addEventListener('click', function () { control(button); });
  }
})();
"""


def token_cookie_name(request: Request) -> str:
    """The cookie holding the token for the daemon at this port (cookies ignore ports)."""
    return f"switchboard_token_{request.url.port or 80}"


def cookie_token_ok(request: Request, token: str) -> bool:
    """Whether the request carries ``token`` in this daemon's cookie."""
    cookie = unquote(request.cookies.get(token_cookie_name(request), ""))
    return hmac.compare_digest(cookie, token)


def add_status_page(
    app: FastAPI, sup: Supervisor, token: str | None, bearer_ok: Callable[[Request], bool]
) -> None:
    """Serve the status page at ``/`` with its login (``POST /login``) and logout;
    ``bearer_ok`` is the API's own check of the bearer header."""

    def page_token_ok(request: Request) -> bool:
        return token is None or bearer_ok(request) or cookie_token_ok(request, token)

    @app.get("/", include_in_schema=False)
    def status_page(
        request: Request,
        refresh: Annotated[int, Query(ge=0, le=3600)] = DEFAULT_REFRESH_SECONDS,
    ) -> HTMLResponse:
        if not page_token_ok(request):
            return _html(render_login_page(), 401)
        page = render_status_page(
            sup.status(with_cluster=True),
            refresh_seconds=refresh,
            token_cookie=token_cookie_name(request),
            signed_in=token is not None,
        )
        return _html(page)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0].strip()
        if token is not None and not hmac.compare_digest(given, token):
            return _html(render_login_page("that is not this daemon's token"), 401)
        response = RedirectResponse("./", status_code=303)
        if token is not None:
            response.set_cookie(
                token_cookie_name(request), quote(token, safe=""), samesite="strict", path="/"
            )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        response = RedirectResponse("./", status_code=303)
        response.delete_cookie(token_cookie_name(request), path="/")
        return response


def _html(page: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        redact(page), status_code=status_code, headers={"Cache-Control": "no-store"}
    )


def _document(title: str, body: str, *, head: str = "", body_attributes: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{head}<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body{body_attributes}>{body}</body></html>\n"
    )


def render_login_page(error: str | None = None) -> str:
    """The form that asks for the control API's bearer token."""
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        '<main class="login"><h1>Switchboard integration daemon</h1>'
        "<p>This daemon's control API needs its bearer token. On the daemon's machine, "
        "<code>switchboard daemon token</code> shows a generated one; otherwise use the token "
        "it was started with.</p>"
        f'{problem}<form method="post" action="login"><label>Bearer token'
        '<input type="password" name="token" autocomplete="current-password" autofocus required>'
        '</label><button type="submit">Sign in</button></form></main>'
    )
    return _document("Switchboard daemon: sign in", body)


def render_status_page(
    status: DaemonStatus,
    *,
    refresh_seconds: int = DEFAULT_REFRESH_SECONDS,
    token_cookie: str = "switchboard_token",
    signed_in: bool = False,
) -> str:
    """The whole page for ``status``."""
    head = f'<meta http-equiv="refresh" content="{refresh_seconds}">' if refresh_seconds else ""
    body = (
        _header(status, refresh_seconds, signed_in)
        + '<p id="message" role="status"></p>'
        + '<div class="actions">'
        + _button("refresh", "refresh all")
        + _button("restart", "restart failed", only_failed=True)
        + _button("pause", "pause all")
        + _button("resume", "resume all")
        + "</div>"
        + "".join(_group_section(group) for group in status.groups)
        + (_leases_section(status.leases) if status.leases else "")
        + f"<script>{SCRIPT}</script>"
    )
    attributes = f' data-token-cookie="{escape(token_cookie)}"'
    return _document(
        f"Switchboard daemon {status.server_name}", body, head=head, body_attributes=attributes
    )


def _header(status: DaemonStatus, refresh_seconds: int, signed_in: bool) -> str:
    if status.degraded:
        badge = (
            f'<span class="badge degraded">degraded</span> {escape(status.degraded_reason or "")}'
        )
        if status.degraded_since:
            badge += f" (since {_time(status.degraded_since)})"
    else:
        badge = '<span class="badge ok">ok</span>'
    refreshing = (
        f'reloads every {refresh_seconds} s (<a href="?refresh=0">stop</a>)'
        if refresh_seconds
        else f'not reloading (<a href="?refresh={DEFAULT_REFRESH_SECONDS}">reload every '
        f"{DEFAULT_REFRESH_SECONDS} s</a>)"
    )
    sign_out = (
        '<form class="inline" method="post" action="logout">'
        '<button type="submit">forget token</button></form>'
        if signed_in
        else ""
    )
    return (
        f"<header><h1>daemon {escape(status.server_name)} {badge}</h1>"
        f'<p class="meta">started {_time(status.started_at)}; polls every '
        f"{status.poll_interval:g} s ({status.polls} polls, {status.reloads} reloads); "
        f"{refreshing}</p>{sign_out}</header>"
    )


def _button(op: str, label: str, connector: str | None = None, *, only_failed: bool = False) -> str:
    attributes = f' data-op="{op}"'
    if connector is not None:
        attributes += f' data-connector="{escape(connector)}"'
    if only_failed:
        attributes += ' data-only-failed="true"'
    return f'<button type="button"{attributes}>{escape(label)}</button>'


COLUMNS = (
    "connector",
    "state",
    "last refresh",
    "next refresh",
    "restarts",
    "refreshes / failures",
    "last error",
    "actions",
)


def _group_section(group: GroupStatus) -> str:
    title = escape(group.qualified_name)
    if group.display_name and group.display_name != group.qualified_name:
        title += f" <small>{escape(group.display_name)}</small>"
    if not group.connectors:
        note = "group not found in the graph" if group.found is False else "no connectors"
        return f'<section class="group"><h2>{title}</h2><p class="meta">{note}</p></section>'
    head = "".join(f"<th>{name}</th>" for name in COLUMNS)
    rows = "".join(_connector_row(c) for c in group.connectors)
    return (
        f'<section class="group"><h2>{title}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _connector_row(c: ConnectorStatus) -> str:
    state = c.state.value
    paused = " <small>(paused)</small>" if c.paused else ""
    last = _time(c.last_refresh_end)
    if c.last_refresh_duration is not None:
        last += f" <small>({c.last_refresh_duration:.1f} s)</small>"
    stats = c.statistics
    counts = f"{stats.get('refreshes', 0)} / {stats.get('refreshFailures', 0)}"
    pause = (
        _button("resume", "resume", c.connector_name)
        if c.paused
        else _button("pause", "pause", c.connector_name)
    )
    actions = (
        _button("refresh", "refresh", c.connector_name)
        + _button("restart", "restart", c.connector_name)
        + pause
    )
    return (
        f'<tr data-connector="{escape(c.connector_name)}" data-state="{state}">'
        f"<td>{escape(c.connector_name)}<br><small>{escape(c.connector_qualified_name)}</small></td>"
        f'<td><span class="state state-{state}">{state}</span>{paused}</td>'
        f"<td>{last}</td><td>{_next_refresh(c)}</td>"
        f'<td class="restarts">{c.restart_count}{_change_set_note(c)}</td><td>{counts}</td>'
        f'<td class="error">{_error_cell(c)}</td><td class="actions">{actions}</td></tr>'
    )


def _table(section: str, title: str, columns: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in columns)
    return (
        f'<section class="{section}"><h2>{escape(title)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _cells(*values: str) -> str:
    return "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"


def _leases_section(leases: LeaseStatus) -> str:
    """This daemon's leases: its id, the connectors it lost, then who holds what."""
    parts = [
        '<section class="leases"><h2>connector leases</h2>'
        f'<p class="meta">this daemon process is <code>{escape(leases.daemon_id)}</code>; '
        f"it holds {leases.held} connector lease(s)</p></section>"
    ]
    if leases.lost:
        rows = [
            f'<tr data-lost="{escape(lost.connector_name)}">'
            f'<td class="lost">{escape(lost.connector_name)}</td><td>{lost.epoch}</td>'
            f"<td>{_time(lost.lost_at)}</td><td>{escape(lost.reason)}</td></tr>"
            for lost in leases.lost
        ]
        columns = ("connector (lost: not held, stopped)", "epoch", "lost at", "why")
        parts.append(_table("lost", "connectors this daemon lost", columns, rows))
    if leases.cluster is not None:
        parts.append(_cluster_tables(leases.cluster))
    elif leases.cluster_error:
        parts.append(f'<p class="meta">who holds what: {escape(leases.cluster_error)}</p>')
    return "".join(parts)


def _api_link(url: str | None) -> str:
    if not url:
        return "-"
    return f'<a href="{escape(url)}/">{escape(url)}</a>'


def _cluster_tables(cluster: ClusterStatus) -> str:
    """The live daemons and every connector's holder (``GET /daemons``)."""
    daemons = [
        _cells(
            escape(d.name),
            f"<code>{escape(d.id)}</code>",
            _api_link(d.api_url),
            str(d.held),
            _time(d.heartbeat_at),
        )
        for d in cluster.daemons
    ]
    columns = ("name", "id", "control API", "connectors held", "heartbeat")
    holders = []
    for c in cluster.connectors:
        holder = (
            f'<span class="unassigned">{UNASSIGNED}</span>'
            if c.holder == UNASSIGNED
            else escape(c.holder)
        )
        holders.append(
            f'<tr data-holder-of="{escape(c.connector_name)}">'
            f"<td>{escape(c.group)}</td><td>{escape(c.connector_name)}</td>"
            f"<td>{holder}</td><td>{f'<code>{escape(c.holder_id)}</code>' if c.holder_id else '-'}"
            f"</td><td>{_api_link(c.holder_api_url)}</td><td>{c.epoch}</td>"
            f"<td>{_time(c.lease_expires)}</td><td>{escape(c.desired_state or '-')}</td></tr>"
        )
    holder_columns = (
        "group",
        "connector",
        "holder",
        "holder id",
        "holder's control API",
        "epoch",
        "lease expires",
        "desired",
    )
    return _table("daemons", "live daemons", columns, daemons) + _table(
        "holders", "who holds each connector", holder_columns, holders
    )


def _change_set_note(c: ConnectorStatus) -> str:
    """Under the restart count: the change set that restarted the connector (id, user and
    summary; all of it and the time as the tooltip)."""
    change = c.change_set
    if change is None:
        return ""
    full = " ".join(v for v in (change.id, change.time, change.user) if v)
    return (
        f'<br><small class="change-set" title="{escape(full or change.summary)}">'
        f"{escape(change.short())}</small>"
    )


def _next_refresh(c: ConnectorStatus) -> str:
    if c.paused:
        return "paused"
    if c.state.value in FAILED_STATES:
        return f"retry {_time(c.next_retry)}" if c.next_retry else "after a restart"
    return _time(c.next_refresh)


def _error_cell(c: ConnectorStatus) -> str:
    parts: list[str] = []
    if c.last_error:
        parts.append(f'<span class="last-error">{escape(c.last_error)}</span>')
    if c.last_error_trace:
        parts.append(
            f"<details><summary>trace</summary><pre>{escape(c.last_error_trace)}</pre></details>"
        )
    if c.validation_errors:
        items = "".join(f"<li>{escape(e)}</li>" for e in c.validation_errors)
        parts.append(f"<ul>{items}</ul>")
    if c.health_check:
        parts.append(f"<small>health: {escape(c.health_check)}</small>")
    return "".join(parts) or "-"


def _time(value: str | None) -> str:
    """An ISO-8601 time as ``YYYY-MM-DD HH:MM:SS`` (the full value as its tooltip)."""
    if not value:
        return "-"
    shown = value.replace("T", " ")[:19]
    return f'<time datetime="{escape(value)}" title="{escape(value)}">{escape(shown)}</time>'
