"""Elements and relationships in and out of request bodies, and versions in and out of headers.

Shared by the native API and Egeria's view-service paths, so both read bodies with the
same models (:mod:`engine.model`) and refuse bad ones with the same messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from engine.errors import UsageError
from engine.graph.records import StoredElement, StoredRelationship, WriteResult
from engine.model import (
    ELEMENT_MODELS,
    RELATIONSHIP_MODELS,
    Element,
    Referenceable,
    Relationship,
)
from engine.server.problems import DocumentError

BODY = "request body"
"""How error messages name the request's body (as the CLI names a file)."""


def pydantic_problem(where: str, exc: ValidationError) -> DocumentError:
    """A :class:`DocumentError` listing each error of ``exc`` as ``where: path: message``."""
    lines = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"]) or "(document)"
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"{where}: {path}: {message}")
    return DocumentError("\n".join(lines), hint="see the OpenAPI document at /docs")


def element_from_body(
    body: Mapping[str, Any],
    *,
    qualified_name: str | None = None,
    type_name: str | None = None,
    where: str = BODY,
) -> Referenceable:
    """The element a body describes: ``typeName`` picks the model (any other type is a generic
    :class:`Element`); ``qualified_name`` (from the path) must match the body's, if any.

    Only the keys given are set (``model_fields_set``, what a merge update overlays).
    Raises :class:`DocumentError`.
    """
    data = dict(body)
    given_type = data.pop("typeName", None) or type_name
    if not isinstance(given_type, str) or not given_type:
        raise DocumentError(
            f"{where}: typeName: required", hint="e.g. 'IntegrationConnector' or 'Database'"
        )
    if type_name is not None and given_type != type_name:
        raise DocumentError(
            f"{where}: typeName: the element is a {type_name}, not a {given_type}",
            hint="delete it and create it again to change its type",
        )
    if qualified_name is not None and (
        data.setdefault("qualifiedName", qualified_name) != qualified_name
    ):
        raise DocumentError(
            f"{where}: qualifiedName: {data['qualifiedName']!r} differs from the path's "
            f"{qualified_name!r}",
            hint="elements are not renamed; create a new one instead",
        )
    model = ELEMENT_MODELS.get(given_type)
    try:
        if model is not None:
            element = model.model_validate(data)
        else:
            element = Element.model_validate({**data, "typeName": given_type})
    except ValidationError as exc:
        raise pydantic_problem(where, exc) from None
    return element


def relationship_model(type_name: str) -> type[Relationship]:
    """The model of relationship ``type_name`` (Egeria's name); :class:`DocumentError` if none."""
    model = RELATIONSHIP_MODELS.get(type_name)
    if model is None:
        raise DocumentError(
            f"no relationship type {type_name!r}",
            hint=f"one of: {', '.join(sorted(RELATIONSHIP_MODELS))}",
        )
    return model


def relationship_from_body(
    type_name: str, properties: Mapping[str, Any] | None, *, where: str = BODY
) -> Relationship:
    """Relationship ``type_name`` with ``properties``; raises :class:`DocumentError`."""
    model = relationship_model(type_name)
    try:
        return model.model_validate(dict(properties or {}))
    except ValidationError as exc:
        raise pydantic_problem(f"{where}: properties", exc) from None


def element_document(
    found: StoredElement, relationships: list[StoredRelationship]
) -> dict[str, Any]:
    """One element as ``switchboard get --json`` prints it: properties, audit, relationships."""
    return {
        "typeName": found.typeName,
        "labels": list(found.labels),
        "guid": found.guid,
        **found.element.model_dump(mode="json", exclude_none=True),
        **found.audit.model_dump(mode="json", exclude_none=True),
        "relationships": [
            {
                "type": r.type,
                "to": r.to,
                "toTypeName": r.toTypeName,
                "version": r.audit.version,
                **r.relationship.model_dump(mode="json", exclude_none=True),
            }
            for r in relationships
        ],
    }


def write_document(result: WriteResult) -> dict[str, Any]:
    """What one write did, as JSON."""
    return {
        "kind": result.kind,
        "name": result.name,
        "guid": result.guid,
        "version": result.version,
        "outcome": result.outcome,
    }


def etag(version: int) -> str:
    """The ``ETag`` of an element at ``version`` (a strong tag: the version number, quoted)."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header names (None for no header or ``*``).

    Raises :class:`~engine.errors.UsageError` (400) for a header that names no version.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise UsageError(
            f"If-Match: {if_match!r} is not an ETag of this server",
            hint='send the ETag a GET answered, e.g. If-Match: "3"',
        )
    return int(tag)
