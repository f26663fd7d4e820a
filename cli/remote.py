"""The CLI against a metadata server: with ``SWITCHBOARD_URL`` set, the read commands
(``groups list``, ``resolve``, ``get``, ``validate``, ``query``) and ``apply`` go through
``switchboard serve``'s native API instead of Neo4j, so a machine needs no database
credentials. ``SWITCHBOARD_TOKEN`` is sent as the bearer token (from the server's
``POST /api/token``). The server's refusals come back as the same messages, hints and exit
codes the commands give locally.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from engine import SwitchboardError, UsageError

if TYPE_CHECKING:
    import httpx

    from engine import ResolvedGroup
    from engine.validate import Finding

URL_ENV = "SWITCHBOARD_URL"
TOKEN_ENV = "SWITCHBOARD_TOKEN"
TIMEOUT = 600.0
"""Seconds a request may take (a large apply)."""


def server_url() -> str | None:
    """The metadata server to use (``SWITCHBOARD_URL``), or None to use Neo4j directly."""
    url = os.environ.get(URL_ENV, "").strip()
    return url.rstrip("/") or None


def _request(method: str, path: str, **kwargs: Any) -> httpx.Response:
    import httpx

    url = server_url() or ""
    headers = dict(kwargs.pop("headers", {}))
    token = os.environ.get(TOKEN_ENV)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = httpx.request(method, url + path, headers=headers, timeout=TIMEOUT, **kwargs)
    except httpx.HTTPError as exc:
        raise SwitchboardError(
            f"cannot reach the metadata server at {url} ({URL_ENV}): {exc}",
            hint="start it with 'switchboard serve', or unset SWITCHBOARD_URL to use Neo4j",
        ) from None
    if response.status_code == 401:
        raise UsageError(
            f"the metadata server at {url} wants a bearer token",
            hint=f"log in with POST {url}/api/token and set {TOKEN_ENV}",
        )
    if response.status_code >= 400:
        raise _problem(response)
    return response


def _problem(response: httpx.Response) -> SwitchboardError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("error") or f"HTTP {response.status_code}: {response.text[:200]}")
    hint = body.get("hint")
    if body.get("exitCode") == 2 or (400 <= response.status_code < 500 and not body):
        return UsageError(message, hint=hint)
    return SwitchboardError(message, hint=hint)


def remote_group(qualified_name: str) -> ResolvedGroup:
    """A group resolved by the server (its canonical JSON, read back into the views)."""
    from engine import ResolvedGroup

    response = _request("GET", f"/api/v1/groups/{quote(qualified_name, safe='')}")
    return ResolvedGroup.model_validate_json(response.content)


def remote_rows(query: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of library query ``query`` run by the server (times as ISO text)."""
    path = f"/api/v1/queries/{quote(query, safe='')}"
    response = _request("POST", path, json={"parameters": params})
    rows: list[dict[str, Any]] = response.json()
    return rows


def remote_element(name: str, by_guid: bool) -> dict[str, Any]:
    """One element as ``switchboard get --json`` prints it."""
    params = {"by": "guid"} if by_guid else {}
    path = f"/api/v1/elements/{quote(name, safe='')}"
    document: dict[str, Any] = _request("GET", path, params=params).json()
    return document


def remote_findings(
    qualified_names: Sequence[str], all_groups: bool, deep: bool
) -> tuple[list[Finding], str]:
    """The server's validation findings and a description of what was validated."""
    from engine.validate import Finding

    body: dict[str, Any] = {"deep": deep}
    body.update({"all": True} if all_groups else {"groups": list(qualified_names)})
    report = _request("POST", "/api/v1/validate", json=body).json()
    findings = [Finding.from_dict(f) for f in report["findings"]]
    scope = "the whole database" if all_groups else ", ".join(qualified_names)
    return findings, scope


@dataclass
class RemoteApplyReport:
    """What the server's apply planned and did (``switchboard apply --json``'s document)."""

    document: dict[str, Any]
    counts: dict[str, int] = field(init=False)
    changes: int = field(init=False)
    dry_run: bool = field(init=False)
    warnings: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = dict(self.document["counts"])
        self.changes = int(self.document["changes"])
        self.dry_run = bool(self.document["dryRun"])
        self.warnings = list(self.document.get("warnings") or [])


def remote_apply(
    paths: Sequence[Path],
    *,
    dry_run: bool,
    prune: bool,
    force: bool,
    prune_threshold: float,
    validate: bool,
) -> RemoteApplyReport:
    """Check the files here (errors name them), then apply them on the server as one
    manifest (YAML documents), all or nothing."""
    import yaml

    from engine.declare.manifest import load_manifests, read_documents

    load_manifests(paths)
    documents = [data for path in paths for _, data in read_documents(path)]
    text = yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)
    params = {
        "dryRun": str(dry_run).lower(),
        "prune": str(prune).lower(),
        "force": str(force).lower(),
        "pruneThreshold": str(prune_threshold),
        "validate": str(validate).lower(),
    }
    response = _request(
        "POST",
        "/api/v1/apply",
        content=text.encode("utf-8"),
        params=params,
        headers={"content-type": "application/yaml"},
    )
    return RemoteApplyReport(response.json())
