"""Registering integration connectors in integration groups, on Egeria's paths.

Egeria's view services have no path for it: its governance configuration service does, under
:data:`CONFIG_PREFIX` (``serviceURLMarker`` is an access service's marker, any is answered;
``userId`` is the user written when no bearer token names one), with the registration's
properties bean itself as the body::

    POST .../integration-groups/{groupGUID}/integration-connectors/{connectorGUID}
         body RegisteredIntegrationConnectorProperties                         VoidResponse
    POST .../integration-groups/{groupGUID}/integration-connectors/{connectorGUID}/delete
         body NullRequestBody                                                  VoidResponse
    GET  .../integration-connectors/{connectorGUID}/registrations              GUIDListResponse

The same three paths answer under the view-service prefix too, with the view services'
bodies (NewRelationshipRequestBody around the bean; none to unregister), so a client of the
Connection Maker and Asset Maker paths can complete a group without a second base URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from engine.errors import NotFoundError
from engine.graph.elements import get_element, remove_relationship, save_relationship
from engine.graph.library_runs import run_library_query
from engine.server.egeria_bodies import (
    NewRelationshipRequestBody,
    NullRequestBody,
    RegisteredIntegrationConnectorProperties,
    guid_list_response,
    relationship_from_egeria,
    void_response,
)
from engine.server.elements_io import relationship_model
from engine.server.native import user_of

if TYPE_CHECKING:
    from engine.server.egeria_paths import EgeriaViews

CONFIG_PREFIX = (
    "/servers/{serverName}/open-metadata/framework-services/{serviceURLMarker}"
    "/governance-configuration-service/users/{userId}"
)
"""Egeria's governance configuration service, where registrations are made."""

REGISTRATION = "/integration-groups/{groupGUID}/integration-connectors/{connectorGUID}"
REGISTRATIONS = "/integration-connectors/{connectorGUID}/registrations"
RESPONSES = {
    "register": "VoidResponse",
    "unregister": "VoidResponse",
    "registrations": "GUIDListResponse",
}
"""The operation -> Egeria's response class (``x-egeria-response`` in the OpenAPI document)."""


def _extra(operation: str) -> dict[str, Any]:
    return {"x-egeria-response": RESPONSES[operation]}


class Registrations:
    """Register, unregister and list a connector's groups, for either prefix."""

    def __init__(self, views: EgeriaViews) -> None:
        self.views = views
        self.store = views.store

    def register(
        self, group_guid: str, connector_guid: str, bean: dict[str, Any], user: str | None
    ) -> dict[str, Any]:
        registration = relationship_from_egeria("RegisteredIntegrationConnector", bean)
        group = self.views.element(group_guid).qualifiedName
        connector = self.views.element(connector_guid).qualifiedName
        save_relationship(self.store, registration, group, connector, user=user)
        return void_response()

    def unregister(self, group_guid: str, connector_guid: str) -> dict[str, Any]:
        group = self.views.element(group_guid).qualifiedName
        connector = self.views.element(connector_guid).qualifiedName
        model = relationship_model("RegisteredIntegrationConnector")
        if remove_relationship(self.store, model, group, connector) == 0:
            raise NotFoundError(f"{connector} is not registered in {group}")
        return void_response()

    def groups_of(self, connector_guid: str) -> dict[str, Any]:
        connector = self.views.element(connector_guid).qualifiedName
        rows = run_library_query(self.store, "connector_groups", {"connector": connector})
        names = dict.fromkeys(str(row["groupQualifiedName"]) for row in rows)
        return guid_list_response([get_element(self.store, n).guid for n in names])


def add_config_routes(router: APIRouter, views: EgeriaViews) -> None:
    """The governance configuration service's registration paths (see the module docstring)."""
    done = Registrations(views)
    base = CONFIG_PREFIX + REGISTRATION

    def answer(server: str, response_class: str, action: str, work: Any) -> JSONResponse:
        return views.answer(server, None, response_class, action, work)

    @router.post(
        base, summary="Egeria: register a connector in a group", openapi_extra=_extra("register")
    )
    def register(
        request: Request,
        serverName: str,
        serviceURLMarker: str,
        userId: str,
        groupGUID: str,
        connectorGUID: str,
        body: Annotated[RegisteredIntegrationConnectorProperties | None, Body()] = None,
    ) -> JSONResponse:
        bean = body.model_dump(by_alias=True) if body else {}
        user = user_of(request) or userId
        return answer(
            serverName,
            "VoidResponse",
            "registerIntegrationConnectorWithGroup",
            lambda: done.register(groupGUID, connectorGUID, bean, user),
        )

    @router.post(
        f"{base}/delete",
        summary="Egeria: unregister a connector from a group",
        openapi_extra=_extra("unregister"),
    )
    def unregister(
        serverName: str,
        serviceURLMarker: str,
        userId: str,
        groupGUID: str,
        connectorGUID: str,
        body: Annotated[NullRequestBody | None, Body()] = None,
    ) -> JSONResponse:
        return answer(
            serverName,
            "VoidResponse",
            "unregisterIntegrationConnectorFromGroup",
            lambda: done.unregister(groupGUID, connectorGUID),
        )

    @router.get(
        CONFIG_PREFIX + REGISTRATIONS,
        summary="Egeria: the groups a connector is registered in",
        openapi_extra=_extra("registrations"),
    )
    def registrations(
        serverName: str, serviceURLMarker: str, userId: str, connectorGUID: str
    ) -> JSONResponse:
        return answer(
            serverName,
            "GUIDListResponse",
            "getIntegrationConnectorRegistrations",
            lambda: done.groups_of(connectorGUID),
        )


def add_view_routes(router: APIRouter, views: EgeriaViews, view_prefix: str) -> None:
    """The same paths under the view-service prefix, with the view services' bodies."""
    done = Registrations(views)
    base = view_prefix + REGISTRATION

    @router.post(
        base, summary="Egeria: register a connector in a group", openapi_extra=_extra("register")
    )
    def register(
        request: Request,
        serverName: str,
        urlMarker: str,
        groupGUID: str,
        connectorGUID: str,
        body: Annotated[NewRelationshipRequestBody | None, Body()] = None,
    ) -> JSONResponse:
        bean = (body.properties if body else None) or {}
        return views.answer(
            serverName,
            urlMarker,
            "VoidResponse",
            "registerIntegrationConnectorWithGroup",
            lambda: done.register(groupGUID, connectorGUID, bean, user_of(request)),
        )

    @router.post(
        f"{base}/delete",
        summary="Egeria: unregister a connector from a group",
        openapi_extra=_extra("unregister"),
    )
    def unregister(
        serverName: str,
        urlMarker: str,
        groupGUID: str,
        connectorGUID: str,
        body: Annotated[NullRequestBody | None, Body()] = None,
    ) -> JSONResponse:
        return views.answer(
            serverName,
            urlMarker,
            "VoidResponse",
            "unregisterIntegrationConnectorFromGroup",
            lambda: done.unregister(groupGUID, connectorGUID),
        )

    @router.get(
        view_prefix + REGISTRATIONS,
        summary="Egeria: the groups a connector is registered in",
        openapi_extra=_extra("registrations"),
    )
    def registrations(serverName: str, urlMarker: str, connectorGUID: str) -> JSONResponse:
        return views.answer(
            serverName,
            urlMarker,
            "GUIDListResponse",
            "getIntegrationConnectorRegistrations",
            lambda: done.groups_of(connectorGUID),
        )
