"""Egeria's view-service paths for this model, over the write API.

Under ``/servers/{serverName}/api/open-metadata/{urlMarker}``, answering for the url markers
``connection-maker``, ``asset-maker`` and ``automated-curation``::

    POST /connections | /connector-types | /endpoints | /assets          create   GUIDResponse
    POST /{collection}/{guid}/update                                     update   BooleanResponse
    POST /{collection}/{guid}/delete                                     delete   VoidResponse
    POST /{collection}/by-name | /{collection}/by-search-string          find     ...ElementsResponse
    POST /{collection}/{guid}/retrieve                                   one      ...ElementResponse
    POST /connections/{guid}/connector-types/{guid}/attach|detach
    POST /connections/{guid}/endpoints/{guid}/attach|detach
    POST /connections/{guid}/embedded-connections/{guid}/attach|detach
    POST /assets/{guid}/connections/{guid}/attach|detach
    POST /integration-connectors/{guid}/catalog-targets/{elementGUID}    add      GUIDResponse
    POST /integration-connectors/{guid}/catalog-targets/{elementGUID}/detach        VoidResponse
    POST /catalog-targets/{relationshipGUID}/update | /remove                      VoidResponse
    POST|GET /catalog-targets/{relationshipGUID}                         one      OpenMetadataRelationshipResponse
    GET  /integration-connectors/{guid}/catalog-targets                  targets  ...ElementsResponse

Request bodies are Egeria's for each path (New/Update/Delete...RequestBody, GetRequestBody,
ResultsRequestBody; see :mod:`engine.server.egeria_bodies`), each operation's response class
is named in the OpenAPI document (``x-egeria-response``). Registering connectors in groups
is in :mod:`engine.server.egeria_registrations`.

Every write goes through the write API in one transaction; a refusal is answered in
Egeria's envelope with the engine's message (HTTP 200, ``relatedHTTPCode`` set, as Egeria
does) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from engine.errors import ConflictError, NotFoundError, SwitchboardError
from engine.graph.elements import (
    add_catalog_target,
    create_element,
    delete_element,
    get_element,
    get_relationships,
    remove_catalog_target,
    remove_relationship,
    save_relationship,
    update_element,
)
from engine.graph.reader import read_elements_tx
from engine.graph.records import (
    EGERIA_NAME_BY_REL_TYPE,
    REL_TYPE_BY_MODEL,
    ElementRow,
    RelationshipRow,
    StoredElement,
)
from engine.graph.store import Store
from engine.graph.writer import (
    delete_relationships_tx,
    write_elements_tx,
    write_relationships_tx,
)
from engine.model import CatalogTarget, Referenceable, Relationship
from engine.server.egeria_bodies import (
    RELATED_FIELDS,
    DeleteElementRequestBody,
    DeleteRelationshipRequestBody,
    FilterRequestBody,
    GetRequestBody,
    NewElementRequestBody,
    NewRelationshipRequestBody,
    ResultsRequestBody,
    SearchStringRequestBody,
    UpdateElementRequestBody,
    UpdateRelationshipRequestBody,
    boolean_response,
    egeria_problem,
    element_from_egeria,
    guid_response,
    relationship_from_egeria,
    relationship_response,
    root_element_response,
    root_elements_response,
    void_response,
)
from engine.server.elements_io import relationship_model
from engine.server.lookups import catalog_target, elements_by_name, elements_matching
from engine.server.native import user_of
from engine.server.problems import DocumentError, status_for

VIEW_PREFIX = "/servers/{serverName}/api/open-metadata/{urlMarker}"
URL_MARKERS = ("connection-maker", "asset-maker", "automated-curation")
COLLECTIONS: dict[str, tuple[str | None, list[str]]] = {
    "connections": ("Connection", ["Connection"]),
    "connector-types": ("ConnectorType", ["ConnectorType"]),
    "endpoints": ("Endpoint", ["Endpoint"]),
    "assets": (None, ["Asset", "IntegrationGroup"]),
}
"""Path collection -> (the element type created when the properties name none, the labels
its finds look at)."""

LINKS: dict[tuple[str, str], str] = {
    ("connections", "connector-types"): "ConnectionConnectorType",
    ("connections", "endpoints"): "ConnectToEndpoint",
    ("connections", "embedded-connections"): "EmbeddedConnection",
    ("assets", "connections"): "AssetConnection",
}
"""(end-1 collection, end-2 collection) of an attach/detach path -> the relationship."""

Work = Callable[[], dict[str, Any]]


def egeria_response(response_class: str) -> dict[str, Any]:
    """A route's OpenAPI extension naming Egeria's response class for it."""
    return {"x-egeria-response": response_class}


class EgeriaViews:
    """The handlers, sharing the store and the checks of serverName and urlMarker."""

    def __init__(self, store: Store, server_name: str) -> None:
        self.store = store
        self.server_name = server_name

    def answer(
        self, server: str, marker: str | None, response_class: str, action: str, work: Work
    ) -> JSONResponse:
        """``work()``'s document, or the refusal in Egeria's envelope (``marker`` None: a
        path without a view service's url marker)."""
        try:
            if server != self.server_name or (marker is not None and marker not in URL_MARKERS):
                raise NotFoundError(
                    f"no view service {marker!r} on server {server!r}",
                    hint=f"this server is {self.server_name!r}; view services: "
                    + ", ".join(URL_MARKERS),
                )
            return JSONResponse(work())
        except SwitchboardError as exc:
            return JSONResponse(egeria_problem(exc, status_for(exc), response_class, action))

    def element(self, guid: str) -> StoredElement:
        return get_element(self.store, guid=guid)

    # -------------------------------------------------------- collections
    def add_collection(self, router: APIRouter, collection: str) -> None:
        default_type, labels = COLLECTIONS[collection]
        base = f"{VIEW_PREFIX}/{collection}"

        @router.post(
            base,
            summary=f"Egeria: create ({collection})",
            openapi_extra=egeria_response("GUIDResponse"),
        )
        def create(
            request: Request,
            serverName: str,
            urlMarker: str,
            body: Annotated[NewElementRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                given = body or NewElementRequestBody()
                element = element_from_egeria(given.properties, default_type=default_type)
                return guid_response(self.create(element, given, user_of(request)))

            return self.answer(serverName, urlMarker, "GUIDResponse", f"create:{collection}", work)

        @router.post(
            f"{base}/by-name",
            summary=f"Egeria: {collection} by name",
            openapi_extra=egeria_response("OpenMetadataRootElementsResponse"),
        )
        def by_name(
            serverName: str,
            urlMarker: str,
            body: Annotated[FilterRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                name = (body.filter if body else None) or ""
                if not name:
                    raise DocumentError("request body: filter: required (the name to find)")
                return root_elements_response(elements_by_name(self.store, name, labels))

            return self.answer(
                serverName, urlMarker, "OpenMetadataRootElementsResponse", "by-name", work
            )

        @router.post(
            f"{base}/by-search-string",
            summary=f"Egeria: find {collection}",
            openapi_extra=egeria_response("OpenMetadataRootElementsResponse"),
        )
        def search(
            serverName: str,
            urlMarker: str,
            body: Annotated[SearchStringRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                text = (body.search_string if body else None) or ".*"
                wanted = [body.type_name] if body and body.type_name else labels
                return root_elements_response(elements_matching(self.store, text, wanted))

            return self.answer(
                serverName, urlMarker, "OpenMetadataRootElementsResponse", "find", work
            )

        self.add_one_element(router, collection)

    def add_one_element(self, router: APIRouter, collection: str) -> None:
        base = f"{VIEW_PREFIX}/{collection}/{{guid}}"

        @router.post(
            f"{base}/retrieve",
            summary=f"Egeria: one of {collection}",
            openapi_extra=egeria_response("OpenMetadataRootElementResponse"),
        )
        def retrieve(
            serverName: str,
            urlMarker: str,
            guid: str,
            body: Annotated[GetRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            return self.answer(
                serverName,
                urlMarker,
                "OpenMetadataRootElementResponse",
                "retrieve",
                lambda: self.retrieve(guid),
            )

        @router.post(
            f"{base}/update",
            summary=f"Egeria: update one of {collection}",
            openapi_extra=egeria_response("BooleanResponse"),
        )
        def update(
            request: Request,
            serverName: str,
            urlMarker: str,
            guid: str,
            body: Annotated[UpdateElementRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                self.update(guid, body or UpdateElementRequestBody(), user_of(request))
                return boolean_response(True)

            return self.answer(serverName, urlMarker, "BooleanResponse", "update", work)

        @router.post(
            f"{base}/delete",
            summary=f"Egeria: delete one of {collection}",
            openapi_extra=egeria_response("VoidResponse"),
        )
        def delete(
            serverName: str,
            urlMarker: str,
            guid: str,
            body: Annotated[DeleteElementRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                delete_element(self.store, guid=guid)
                return void_response()

            return self.answer(serverName, urlMarker, "VoidResponse", "delete", work)

    def update(self, guid: str, given: UpdateElementRequestBody, user: str | None) -> None:
        """Update the element ``guid`` with an Egeria update body (merge or replace); its
        qualifiedName and type stay as stored."""
        stored = self.element(guid)
        element = element_from_egeria(
            given.properties,
            default_type=None,
            qualified_name=stored.qualifiedName,
            stored_type=stored.typeName,
        )
        update_element(self.store, element, mode="merge" if given.merge else "replace", user=user)

    def retrieve(self, guid: str) -> dict[str, Any]:
        """One element with its outgoing relationships of this model and their ends."""
        found = self.element(guid)
        related = [
            (r, get_element(self.store, r.to))
            for r in get_relationships(self.store, found.qualifiedName)
            if EGERIA_NAME_BY_REL_TYPE[r.type] in RELATED_FIELDS
        ]
        return root_element_response(found, related)

    def create(self, element: Referenceable, body: NewElementRequestBody, user: str | None) -> str:
        """Create ``element``, with its link to ``parentGUID`` in the same transaction."""
        if not body.parent_guid:
            return create_element(self.store, element, user=user).guid
        if not body.parent_relationship_type_name:
            raise DocumentError(
                "request body: parentRelationshipTypeName: required with parentGUID",
                hint="e.g. AssetConnection to link a new connection to its connector",
            )
        relationship = relationship_from_egeria(
            body.parent_relationship_type_name, body.parent_relationship_properties
        )
        parent = self.element(body.parent_guid).qualifiedName
        ends = (parent, element.qualifiedName)
        if not body.parent_at_end1:
            ends = (element.qualifiedName, parent)
        return self.create_linked(element, relationship, ends, user)

    def create_linked(
        self,
        element: Referenceable,
        relationship: Relationship,
        ends: tuple[str, str],
        user: str | None,
    ) -> str:
        element_row = ElementRow.of(element)
        link_row = RelationshipRow.of(relationship, ends[0], ends[1])

        def work(tx: Any) -> str:
            if read_elements_tx(self.store, tx, [element.qualifiedName], timestamps=False):
                raise ConflictError(
                    f"{element.qualifiedName} already exists",
                    hint="update it (.../update), or create the new element under another name",
                )
            written = write_elements_tx(self.store, tx, [element_row], user=user)[0]
            write_relationships_tx(self.store, tx, [link_row], user=user)
            return written.guid

        return self.store.write_tx("egeria:create-linked", work)

    # -------------------------------------------------------------- links
    def add_link(self, router: APIRouter, end1: str, end2: str, rel_type: str) -> None:
        base = f"{VIEW_PREFIX}/{end1}/{{guid1}}/{end2}/{{guid2}}"
        model = relationship_model(rel_type)

        @router.post(
            f"{base}/attach",
            summary=f"Egeria: attach ({rel_type})",
            openapi_extra=egeria_response("VoidResponse"),
        )
        def attach(
            request: Request,
            serverName: str,
            urlMarker: str,
            guid1: str,
            guid2: str,
            body: Annotated[NewRelationshipRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                relationship = relationship_from_egeria(rel_type, body.properties if body else None)
                from_, to = self.element(guid1).qualifiedName, self.element(guid2).qualifiedName
                save_relationship(self.store, relationship, from_, to, user=user_of(request))
                return void_response()

            return self.answer(serverName, urlMarker, "VoidResponse", f"attach:{rel_type}", work)

        @router.post(
            f"{base}/detach",
            summary=f"Egeria: detach ({rel_type})",
            openapi_extra=egeria_response("VoidResponse"),
        )
        def detach(
            serverName: str,
            urlMarker: str,
            guid1: str,
            guid2: str,
            body: Annotated[DeleteRelationshipRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                from_, to = self.element(guid1).qualifiedName, self.element(guid2).qualifiedName
                if remove_relationship(self.store, model, from_, to) == 0:
                    raise NotFoundError(f"no {rel_type} relationship {from_} -> {to}")
                return void_response()

            return self.answer(serverName, urlMarker, "VoidResponse", f"detach:{rel_type}", work)

    # ------------------------------------------------------ catalog targets
    def add_catalog_targets(self, router: APIRouter) -> None:
        connector_base = f"{VIEW_PREFIX}/integration-connectors/{{connectorGUID}}/catalog-targets"
        target_base = f"{VIEW_PREFIX}/catalog-targets/{{relationshipGUID}}"

        @router.post(
            f"{connector_base}/{{elementGUID}}",
            summary="Egeria: add a catalog target",
            openapi_extra=egeria_response("GUIDResponse"),
        )
        def add(
            serverName: str,
            urlMarker: str,
            connectorGUID: str,
            elementGUID: str,
            body: Annotated[NewRelationshipRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                target = relationship_from_egeria(
                    "CatalogTarget", body.properties if body else None
                )
                if not isinstance(target, CatalogTarget):  # pragma: no cover - by the model
                    raise DocumentError("request body: not a catalog target")
                connector = self.element(connectorGUID).qualifiedName
                element = self.element(elementGUID).qualifiedName
                return guid_response(
                    add_catalog_target(self.store, connector, element, target).guid
                )

            return self.answer(serverName, urlMarker, "GUIDResponse", "addCatalogTarget", work)

        @router.post(
            f"{connector_base}/{{elementGUID}}/detach",
            summary="Egeria: remove a connector's catalog targets to an element",
            openapi_extra=egeria_response("VoidResponse"),
        )
        def detach(
            serverName: str,
            urlMarker: str,
            connectorGUID: str,
            elementGUID: str,
            body: Annotated[DeleteRelationshipRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            return self.answer(
                serverName,
                urlMarker,
                "VoidResponse",
                "removeCatalogTarget",
                lambda: self.detach_targets(connectorGUID, elementGUID),
            )

        self.add_catalog_target_reads(router, connector_base, target_base)
        self.add_catalog_target_changes(router, target_base)

    def add_catalog_target_reads(
        self, router: APIRouter, connector_base: str, target_base: str
    ) -> None:
        @router.get(
            connector_base,
            summary="Egeria: a connector's catalog targets",
            openapi_extra=egeria_response("OpenMetadataRootElementsResponse"),
        )
        def targets(
            serverName: str,
            urlMarker: str,
            connectorGUID: str,
            body: Annotated[ResultsRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                connector = self.element(connectorGUID).qualifiedName
                rels = get_relationships(self.store, connector, "CatalogTarget")
                names = dict.fromkeys(r.to for r in rels)
                return root_elements_response([get_element(self.store, n) for n in names])

            return self.answer(
                serverName, urlMarker, "OpenMetadataRootElementsResponse", "getCatalogTargets", work
            )

        @router.post(
            target_base,
            summary="Egeria: one catalog target",
            openapi_extra=egeria_response("OpenMetadataRelationshipResponse"),
        )
        @router.get(target_base, summary="Egeria: one catalog target", include_in_schema=False)
        def one(
            serverName: str,
            urlMarker: str,
            relationshipGUID: str,
            body: Annotated[GetRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            return self.answer(
                serverName,
                urlMarker,
                "OpenMetadataRelationshipResponse",
                "getCatalogTarget",
                lambda: relationship_response(*catalog_target(self.store, relationshipGUID)),
            )

    def detach_targets(self, connector_guid: str, element_guid: str) -> dict[str, Any]:
        """Remove every catalog target from a connector to an element, in one transaction."""
        connector = self.element(connector_guid).qualifiedName
        element = self.element(element_guid).qualifiedName
        neo_type = REL_TYPE_BY_MODEL[CatalogTarget]
        keys = [
            (
                neo_type,
                connector,
                element,
                str(r.relationship.model_dump().get("catalogTargetName") or ""),
            )
            for r in get_relationships(self.store, connector, "CatalogTarget")
            if r.to == element
        ]
        if not keys:
            raise NotFoundError(f"{connector} has no catalog target {element}")
        self.store.write_tx(
            "egeria:detach-catalog-targets",
            lambda tx: delete_relationships_tx(self.store, tx, keys),
        )
        return void_response()

    def update_target(self, relationship_guid: str, body: UpdateRelationshipRequestBody) -> None:
        """Merge or replace a catalog target's properties (its name stays)."""
        stored, _, _ = catalog_target(self.store, relationship_guid)
        current = stored.relationship.model_dump(exclude_none=True)
        changes = relationship_from_egeria("CatalogTarget", body.properties)
        merged = changes.model_dump(include=changes.model_fields_set)
        data = {**current, **merged} if body.merge else merged
        if data.get("catalogTargetName") != current.get("catalogTargetName"):
            raise DocumentError(
                "request body: properties.catalogTargetName: cannot be changed",
                hint="remove the catalog target and add it again under the new name",
            )
        target = CatalogTarget.model_validate({**data, "guid": stored.guid})
        add_catalog_target(self.store, stored.from_, stored.to, target)

    def add_catalog_target_changes(self, router: APIRouter, target_base: str) -> None:
        @router.post(
            f"{target_base}/update",
            summary="Egeria: update a catalog target",
            openapi_extra=egeria_response("VoidResponse"),
        )
        def update(
            serverName: str,
            urlMarker: str,
            relationshipGUID: str,
            body: Annotated[UpdateRelationshipRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                self.update_target(relationshipGUID, body or UpdateRelationshipRequestBody())
                return void_response()

            return self.answer(serverName, urlMarker, "VoidResponse", "updateCatalogTarget", work)

        @router.post(
            f"{target_base}/remove",
            summary="Egeria: remove a catalog target",
            openapi_extra=egeria_response("VoidResponse"),
        )
        def remove(
            serverName: str,
            urlMarker: str,
            relationshipGUID: str,
            body: Annotated[DeleteRelationshipRequestBody | None, Body()] = None,
        ) -> JSONResponse:
            def work() -> dict[str, Any]:
                stored, _, _ = catalog_target(self.store, relationshipGUID)
                name = stored.relationship.model_dump().get("catalogTargetName")
                remove_catalog_target(self.store, stored.from_, stored.to, name)
                return void_response()

            return self.answer(serverName, urlMarker, "VoidResponse", "removeCatalogTarget", work)
