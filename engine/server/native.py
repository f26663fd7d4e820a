"""The native REST API, ``/api/v1/...``: a thin layer over the engine's public functions.

Every write goes through the write API (:mod:`engine.graph.elements`), manifests through
:func:`engine.declare.manifest.apply_documents`, archives through
:func:`engine.declare.egeria.import_archive`: versions, conflicts, cascades, validation and
secrets handling are the engine's. An element's ``ETag`` is its version; a write that sends
``If-Match`` with a version the element has moved past is refused with 412 and writes
nothing. Refusals carry the message and hint the CLI prints (:mod:`engine.server.problems`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from engine.declare.manifest import DEFAULT_PRUNE_THRESHOLD
from engine.errors import ConflictError, NotFoundError, UsageError
from engine.graph.elements import (
    create_element,
    delete_element,
    get_element,
    get_relationships,
    remove_relationship,
    save_relationship,
    update_element,
)
from engine.graph.library_runs import run_library_query
from engine.graph.resolve import canonical_json, resolve_group, resolve_groups
from engine.graph.store import Store
from engine.server.elements_io import (
    element_document,
    element_from_body,
    etag,
    expected_version,
    relationship_from_body,
    relationship_model,
    write_document,
)
from engine.server.problems import stale_version
from engine.statements.catalogue import bind, get_query, library

API = "/api/v1"
ELEMENT_EXAMPLE = {
    "typeName": "IntegrationConnector",
    "qualifiedName": "sales.files-monitor",
    "displayName": "Landing folder monitor",
}
KeyKind = Annotated[
    Literal["qualifiedName", "guid"],
    Query(description="What the key in the path is: a qualifiedName (default) or a guid."),
]
IfMatch = Annotated[
    str | None,
    Header(description="The element's ETag from a GET; a stale one is refused with 412."),
]


def user_of(request: Request) -> str | None:
    """The user a bearer token was issued to (written as createdBy/updatedBy), if any."""
    user = getattr(request.state, "user", None)
    return user if isinstance(user, str) else None


def jsonable(value: Any) -> Any:
    """Rows of library queries as JSON (datetimes as ISO text)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))


def add_native_routes(router: APIRouter, store: Store) -> None:
    """Every ``/api/v1`` path on ``router``."""
    add_element_routes(router, store)
    add_relationship_routes(router, store)
    add_group_routes(router, store)
    add_document_routes(router, store)


# ------------------------------------------------------------------ elements
def _qualified_name(store: Store, key: str, by: str) -> str:
    return get_element(store, guid=key).qualifiedName if by == "guid" else key


def _with_etag(document: dict[str, Any], version: int, status: int = 200) -> JSONResponse:
    return JSONResponse(document, status_code=status, headers={"ETag": etag(version)})


def add_element_routes(router: APIRouter, store: Store) -> None:
    """Get, create, replace, merge-update and delete one element."""
    add_element_reads_and_creates(router, store)
    add_element_updates(router, store)


def add_element_reads_and_creates(router: APIRouter, store: Store) -> None:
    """``GET /elements/{key}`` and ``POST /elements``."""

    @router.get(f"{API}/elements/{{key:path}}", summary="One element with its relationships")
    def get_one(key: str, by: KeyKind = "qualifiedName") -> JSONResponse:
        found = get_element(store, guid=key) if by == "guid" else get_element(store, key)
        rels = get_relationships(store, found.qualifiedName)
        return _with_etag(element_document(found, rels), found.version)

    @router.post(f"{API}/elements", summary="Create an element", status_code=201)
    def create(
        request: Request,
        body: Annotated[dict[str, Any], Body(examples=[ELEMENT_EXAMPLE])],
    ) -> JSONResponse:
        result = create_element(store, element_from_body(body), user=user_of(request))
        status = 201 if result.outcome == "created" else 200
        return _with_etag(write_document(result), result.version, status)


def add_element_updates(router: APIRouter, store: Store) -> None:
    """``PUT``, ``PATCH`` and ``DELETE /elements/{key}``, each honouring ``If-Match``."""

    def update(
        request: Request,
        key: str,
        by: str,
        body: dict[str, Any],
        if_match: str | None,
        mode: Literal["merge", "replace"],
    ) -> JSONResponse:
        expected = expected_version(if_match)
        qualified_name = _qualified_name(store, key, by)
        stored_type = get_element(store, qualified_name).typeName
        element = element_from_body(body, qualified_name=qualified_name, type_name=stored_type)
        try:
            result = update_element(
                store, element, mode=mode, expected_version=expected, user=user_of(request)
            )
        except ConflictError as exc:
            raise (stale_version(exc) if expected is not None else exc) from None
        return _with_etag(write_document(result), result.version)

    @router.put(f"{API}/elements/{{key:path}}", summary="Replace an element's properties")
    def replace(
        request: Request,
        key: str,
        body: Annotated[dict[str, Any], Body(examples=[ELEMENT_EXAMPLE])],
        by: KeyKind = "qualifiedName",
        if_match: IfMatch = None,
    ) -> JSONResponse:
        return update(request, key, by, body, if_match, "replace")

    @router.patch(f"{API}/elements/{{key:path}}", summary="Merge properties into an element")
    def merge(
        request: Request,
        key: str,
        body: Annotated[dict[str, Any], Body(examples=[{"description": "new text"}])],
        by: KeyKind = "qualifiedName",
        if_match: IfMatch = None,
    ) -> JSONResponse:
        return update(request, key, by, body, if_match, "merge")

    @router.delete(f"{API}/elements/{{key:path}}", summary="Delete an element (with cascades)")
    def delete(key: str, by: KeyKind = "qualifiedName", if_match: IfMatch = None) -> JSONResponse:
        expected = expected_version(if_match)
        try:
            if by == "guid":
                result = delete_element(store, guid=key, expected_version=expected)
            else:
                result = delete_element(store, key, expected_version=expected)
        except ConflictError as exc:
            raise (stale_version(exc) if expected is not None else exc) from None
        return JSONResponse({"deleted": result.elements})


# ------------------------------------------------------------- relationships
def add_relationship_routes(router: APIRouter, store: Store) -> None:
    """Create (or update) and delete each relationship of the model, ends by qualifiedName."""

    @router.post(
        f"{API}/relationships/{{type_name}}",
        summary="Create or update a relationship between two elements",
    )
    def save(
        request: Request,
        type_name: str,
        body: Annotated[
            dict[str, Any],
            Body(examples=[{"from": "group.qn", "to": "connector.qn", "properties": {}}]),
        ],
        if_match: IfMatch = None,
    ) -> JSONResponse:
        ends = [body.get("from"), body.get("to")]
        if not all(isinstance(end, str) and end for end in ends):
            raise UsageError(
                "request body: from and to: both ends are required (qualifiedNames)",
                hint='e.g. {"from": "group.qn", "to": "connector.qn", "properties": {...}}',
            )
        properties = body.get("properties")
        if properties is not None and not isinstance(properties, dict):
            raise UsageError("request body: properties: must be a mapping")
        relationship = relationship_from_body(type_name, properties)
        expected = expected_version(if_match)
        try:
            result = save_relationship(
                store,
                relationship,
                str(ends[0]),
                str(ends[1]),
                expected_version=expected,
                user=user_of(request),
            )
        except ConflictError as exc:
            raise (stale_version(exc) if expected is not None else exc) from None
        status = 201 if result.outcome == "created" else 200
        return _with_etag(write_document(result), result.version, status)

    @router.delete(f"{API}/relationships/{{type_name}}", summary="Delete a relationship")
    def remove(
        type_name: str,
        from_: Annotated[str, Query(alias="from", min_length=1)],
        to: Annotated[str, Query(min_length=1)],
        key: Annotated[str, Query(description="catalogTargetName, for catalog targets")] = "",
    ) -> JSONResponse:
        model = relationship_model(type_name)
        removed = remove_relationship(store, model, from_, to, key)
        if removed == 0:
            raise NotFoundError(
                f"no {type_name} relationship {from_} -> {to}" + (f" [{key}]" if key else ""),
                hint="list an element's relationships with GET /api/v1/elements/{qualifiedName}",
            )
        return JSONResponse({"deleted": removed})


# --------------------------------------------------------- groups and queries
def add_group_routes(router: APIRouter, store: Store) -> None:
    """Groups listed and resolved, validation, and the analysts' library."""

    @router.get(f"{API}/groups", summary="Every integration group (switchboard groups list)")
    def groups() -> JSONResponse:
        return JSONResponse(jsonable(run_library_query(store, "groups", {})))

    @router.get(f"{API}/groups/{{name:path}}", summary="One group resolved (canonical JSON)")
    def resolved(name: str) -> Response:
        text = canonical_json(resolve_group(store, name))
        return Response(text, media_type="application/json")

    @router.post(f"{API}/validate", summary="Validate groups (switchboard validate)")
    def validate(
        body: Annotated[dict[str, Any], Body(examples=[{"groups": ["group.qn"]}])],
    ) -> JSONResponse:
        return JSONResponse(validation_report(store, body))

    @router.get(f"{API}/queries", summary="The analysts' library")
    def queries() -> JSONResponse:
        return JSONResponse(
            [
                {
                    "name": q.name,
                    "description": q.description,
                    "parameters": [
                        {"name": p.name, "type": p.type, "description": p.description}
                        for p in q.parameters
                    ],
                    "returns": q.returns,
                }
                for q in library()
            ]
        )

    @router.post(f"{API}/queries/{{name}}", summary="Run a library query with parameters")
    def run_query(
        name: str,
        body: Annotated[dict[str, Any] | None, Body(examples=[{"parameters": {}}])] = None,
    ) -> JSONResponse:
        raw = (body or {}).get("parameters") or {}
        if not isinstance(raw, dict):
            raise UsageError("request body: parameters: must be a mapping of name -> value")
        query = get_query(name)
        texts = {str(k): _parameter_text(v) for k, v in raw.items()}
        rows = run_library_query(store, query.name, bind(query, texts))
        return JSONResponse(jsonable(rows))


def _parameter_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise UsageError(
        f"query parameter value {value!r} is not text, a number or a boolean",
        hint="send each parameter as it would be written after -p key=",
    )


def validation_report(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """``switchboard validate --json`` for ``{"groups": [...]}`` or ``{"all": true}``."""
    from engine.validate import load_snapshot, validate_graph, validate_groups

    names = body.get("groups") or []
    whole = body.get("all") is True
    deep = body.get("deep") is True
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UsageError("request body: groups: must be a list of qualifiedNames")
    if whole == bool(names):
        raise UsageError(
            "name groups or set all: true (not both, not neither)",
            hint='e.g. {"groups": ["group.qn"]} or {"all": true}',
        )
    if whole:
        findings = validate_graph(load_snapshot(store), deep=deep)
    else:
        try:
            findings = validate_groups(resolve_groups(store, names), deep=deep)
        except NotFoundError as exc:
            raise UsageError(exc.message, hint=exc.hint) from None
    errors = sum(f.is_error for f in findings)
    return {
        "ok": errors == 0,
        "scope": "all" if whole else list(dict.fromkeys(names)),
        "deep": deep,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.as_dict() for f in findings],
    }


# ------------------------------------------------------------------ documents
MANIFEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}
ARCHIVE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def add_document_routes(router: APIRouter, store: Store) -> None:
    """Apply manifests, export groups, import archives."""

    @router.post(
        f"{API}/apply",
        summary="Apply a manifest (YAML or JSON), all or nothing; returns the plan",
        openapi_extra=MANIFEST_BODY,
    )
    async def apply(
        request: Request,
        dry_run: Annotated[bool, Query(alias="dryRun")] = False,
        prune: bool = False,
        force: bool = False,
        prune_threshold: Annotated[
            float, Query(alias="pruneThreshold", ge=0.0, le=1.0)
        ] = DEFAULT_PRUNE_THRESHOLD,
        validate: bool = True,
    ) -> JSONResponse:
        from engine.server.documents import apply_text

        text = (await request.body()).decode("utf-8", errors="replace")
        is_json = "json" in request.headers.get("content-type", "")
        report = await run_in_threadpool(
            apply_text,
            store,
            text,
            is_json=is_json,
            dry_run=dry_run,
            prune=prune,
            force=force,
            prune_threshold=prune_threshold,
            validate=validate,
            user=user_of(request),
        )
        return JSONResponse(report)

    @router.get(f"{API}/export", summary="Groups as a manifest (yaml, json) or an Egeria archive")
    def export(
        group: Annotated[list[str], Query(min_length=1)],
        format: Literal["yaml", "json", "omarchive"] = "yaml",
    ) -> Response:
        from engine.server.documents import export_text

        text, media_type = export_text(store, group, format)
        return PlainTextResponse(text, media_type=media_type)

    @router.post(
        f"{API}/import",
        summary="Import an Egeria open metadata archive (.omarchive JSON)",
        openapi_extra=ARCHIVE_BODY,
    )
    async def import_(
        request: Request, dry_run: Annotated[bool, Query(alias="dryRun")] = False
    ) -> JSONResponse:
        from engine.server.documents import import_text

        data = await request.body()
        report = await run_in_threadpool(import_text, store, data, dry_run=dry_run)
        return JSONResponse(report)
