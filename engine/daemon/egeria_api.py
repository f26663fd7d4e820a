"""Egeria's integration daemon REST API (``IntegrationDaemonResource``) over the supervisor.

Every path answers under ``/servers/{serverName}/open-metadata/integration-daemon``,
under ``.../integration-daemon/users/{userId}`` and under the older
``.../integration_daemon/users/{userId}`` (``?delegatingUserId=`` is accepted)::

    GET  /status                                              IntegrationDaemonStatusResponse
    GET  /integration-groups/summary                          IntegrationGroupSummariesResponse
    GET  /integration-groups/{name}/summary                   IntegrationGroupSummaryResponse
    GET  /integration-groups/{name}/refresh-config            VoidResponse
    POST /integration-connectors/refresh     (NameRequestBody, optional)   VoidResponse
    POST /integration-connectors/restart     (NameRequestBody, optional)   VoidResponse
    GET  /integration-connectors/{name}/configuration-properties           PropertiesResponse
    POST /integration-connectors/configuration-properties
                                     (ConnectorConfigPropertiesRequestBody) VoidResponse
    POST /integration-connectors/{name}/endpoint-network-address
                                                      (StringRequestBody)  VoidResponse
    POST /integration-connectors/{name}/connection           (Connection)  VoidResponse
    GET  /validate-connector/{connectorProviderClassName}      ConnectorReportResponse
    POST /publish-open-lineage-event         (an OpenLineage event)        VoidResponse

As Egeria does, a failure is HTTP 200 with the operation's response class carrying the
error (:func:`engine.egeria_rest.ffdc_envelope`); only a body that is not JSON gets
HTTP 400 (a VoidResponse with the error). Changes to connections are written to the
graph (:mod:`engine.daemon.connection_updates`), not kept in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from engine.daemon import egeria_wire as wire
from engine.daemon.safe_json import safe
from engine.daemon.supervisor import Supervisor
from engine.egeria_rest import (
    PROPERTY_SERVER_EXCEPTION,
    EgeriaRequestError,
    ffdc_envelope,
)
from engine.errors import NotFoundError, ProviderLoadError, StoreError, UsageError
from engine.providers.registry import load_connector_provider

EGERIA_PREFIXES = (
    "/servers/{serverName}/open-metadata/integration-daemon",
    "/servers/{serverName}/open-metadata/integration-daemon/users/{userId}",
    "/servers/{serverName}/open-metadata/integration_daemon/users/{userId}",
)
"""Where Egeria's paths answer; the first is the one the OpenAPI document shows."""

BodyKind = Literal["none", "json", "text"]


@dataclass
class EgeriaCall:
    """One request to an Egeria path: who asks, the path's names and the body."""

    operation: str
    server: str
    user: str | None
    names: dict[str, str] = field(default_factory=dict)
    body: Any = None


Handler = Callable[[Supervisor, EgeriaCall], dict[str, Any]]


@dataclass(frozen=True)
class EgeriaOperation:
    """One endpoint of IntegrationDaemonResource."""

    method: str
    path: str
    name: str
    """Egeria's operation name (the error's actionDescription)."""
    response_class: str
    handler: Handler
    summary: str
    body: BodyKind = "none"


def add_egeria_routes(guarded: APIRouter, sup: Supervisor) -> None:
    """Every Egeria endpoint under each of :data:`EGERIA_PREFIXES`."""
    for index, prefix in enumerate(EGERIA_PREFIXES):
        for op in OPERATIONS:
            guarded.add_api_route(
                prefix + op.path,
                _endpoint(sup, op),
                methods=[op.method],
                summary=f"Egeria: {op.summary}",
                include_in_schema=index == 0,
                name=f"egeria_{op.name}_{index}",
                openapi_extra=openapi_parameters(prefix + op.path, op.body),
            )


def openapi_parameters(path: str, body: BodyKind) -> dict[str, Any]:
    """The OpenAPI parameters (and optional JSON body) of an Egeria path: the handlers read
    the request themselves, to answer a body that is not JSON in Egeria's envelope."""
    names = re.findall(r"{(\w+)}", path)
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in names
    ]
    parameters.append(
        {"name": "delegatingUserId", "in": "query", "required": False, "schema": {"type": "string"}}
    )
    extra: dict[str, Any] = {"parameters": parameters}
    if body != "none":
        extra["requestBody"] = {
            "required": body == "text",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    return extra


def _endpoint(sup: Supervisor, op: EgeriaOperation) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> JSONResponse:
        return await answer(sup, op, request)

    return endpoint


async def answer(sup: Supervisor, op: EgeriaOperation, request: Request) -> JSONResponse:
    """Run ``op`` for ``request`` and send its response in Egeria's envelope."""
    names = dict(request.path_params)
    user = names.pop("userId", None) or request.query_params.get("delegatingUserId")
    call = EgeriaCall(op.name, names.pop("serverName", ""), user, names)
    if op.body != "none":
        raw = (await request.body()).decode("utf-8", errors="replace")
        try:
            call.body = _parse_body(raw, op.body)
        except ValueError as exc:
            error = EgeriaRequestError(wire.MALFORMED_REQUEST_BODY, (op.name, str(exc)))
            return safe(ffdc_envelope("VoidResponse", error, action=op.name), 400)
    if call.server != sup.config.server_name:
        error = EgeriaRequestError(
            wire.SERVER_NOT_AVAILABLE,
            (call.server, call.user or "anonymous"),
            properties={"parameterName": "serverName", "serverName": call.server},
        )
        return safe(ffdc_envelope(op.response_class, error, action=op.name))
    try:
        payload = await run_in_threadpool(_run, op, sup, call)
    except EgeriaRequestError as error:
        return safe(ffdc_envelope(op.response_class, error, action=op.name))
    return safe(ffdc_envelope(op.response_class, **payload))


def _parse_body(raw: str, kind: BodyKind) -> Any:
    """The body: parsed JSON (None when empty), or for ``text`` the JSON text itself."""
    if not raw.strip():
        if kind == "text":
            raise ValueError("the body is empty")
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(parsed, dict):
        raise ValueError("the body is not a JSON object")
    return raw if kind == "text" else parsed


def _run(op: EgeriaOperation, sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    """The handler, with the engine's errors turned into Egeria's."""
    try:
        return op.handler(sup, call)
    except UsageError as exc:
        raise EgeriaRequestError(wire.CHANGE_REJECTED, (call.operation, exc.message)) from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(body)'}: {e['msg']}" for e in exc.errors()
        )
        raise EgeriaRequestError(wire.CHANGE_REJECTED, (call.operation, problems)) from None
    except StoreError as exc:
        raise EgeriaRequestError(
            wire.METADATA_STORE_FAILED,
            (call.server, call.operation, exc.message),
            exception_class=PROPERTY_SERVER_EXCEPTION,
        ) from None


# ---------------------------------------------------------------- errors
def unknown_connector(sup: Supervisor, name: str) -> EgeriaRequestError:
    return EgeriaRequestError(
        wire.UNKNOWN_CONNECTOR_NAME,
        (name, sup.config.server_name),
        properties={"parameterName": "connectorName"},
    )


def unknown_group(sup: Supervisor, name: str) -> EgeriaRequestError:
    return EgeriaRequestError(
        wire.UNKNOWN_GROUP_NAME,
        (name, sup.config.server_name),
        properties={"parameterName": "integrationGroupName"},
    )


def missing_field(call: EgeriaCall, name: str) -> EgeriaRequestError:
    return EgeriaRequestError(
        wire.MISSING_REQUEST_FIELD, (name, call.operation), properties={"parameterName": name}
    )


def _body_field(call: EgeriaCall, name: str, kind: type | tuple[type, ...]) -> Any:
    """A field of the JSON body (None when absent); wrong type -> missing_field."""
    value = call.body.get(name) if isinstance(call.body, dict) else None
    if value is not None and not isinstance(value, kind):
        raise missing_field(call, name)
    return value


# ---------------------------------------------------------------- status
def get_status(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    status = sup.status()
    return {"integrationDaemonStatus": wire.egeria_daemon_status(status, sup.connections())}


def get_group_summaries(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    status = sup.status()
    if not status.groups:
        raise EgeriaRequestError(wire.NO_INTEGRATION_GROUPS, (sup.config.server_name,))
    connections = sup.connections()
    return {
        "integrationGroupSummaries": [
            wire.egeria_group_summary(g, connections, degraded=status.degraded)
            for g in status.groups
        ]
    }


def get_group_summary(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    status = sup.status()
    name = call.names["integrationGroupName"]
    for group in status.groups:
        if group.qualified_name == name:
            summary = wire.egeria_group_summary(group, sup.connections(), degraded=status.degraded)
            return {"integrationGroupSummary": summary}
    raise unknown_group(sup, name)


def refresh_group_config(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    name = call.names["integrationGroupName"]
    try:
        reached = sup.refresh_group_config(name)
    except NotFoundError:
        raise unknown_group(sup, name) from None
    if not reached:
        raise EgeriaRequestError(
            wire.METADATA_STORE_FAILED,
            (call.server, call.operation, sup.health().degraded_reason or "Neo4j unreachable"),
            exception_class=PROPERTY_SERVER_EXCEPTION,
        )
    return {}


# ---------------------------------------------------------------- connectors
def _control(action: Callable[[Supervisor, str | None], object]) -> Handler:
    """refresh or restart of the connector a NameRequestBody names (all without one)."""

    def handler(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
        name = _body_field(call, "name", str)
        try:
            action(sup, name)
        except NotFoundError:
            raise unknown_connector(sup, name or "") from None
        return {}

    return handler


def get_configuration_properties(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    name = call.names["connectorName"]
    try:
        runtime = sup.find(name)[0]
    except NotFoundError:
        raise unknown_connector(sup, name) from None
    connection = runtime.spec.view.connection
    properties = connection.configuration_properties if connection else None
    return {"properties": properties or None}


def update_configuration_properties(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    name = _body_field(call, "connectorName", str)
    merge = _body_field(call, "mergeUpdate", bool) or False
    properties = _body_field(call, "configurationProperties", dict) or {}
    if name is not None:
        require_connector(sup, name)
    sup.update_configuration_properties(name, properties, merge=merge, user=call.user)
    return {}


def update_endpoint_network_address(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    name = call.names["connectorName"]
    address = _body_field(call, "string", str)
    if not address:
        raise missing_field(call, "string")
    require_connector(sup, name)
    sup.update_endpoint_address(name, address, user=call.user)
    return {}


def update_connector_connection(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    name = call.names["connectorName"]
    if not isinstance(call.body, dict):
        raise missing_field(call, "connection")
    require_connector(sup, name)
    sup.update_connection(name, call.body, user=call.user)
    return {}


def require_connector(sup: Supervisor, name: str) -> None:
    """Egeria's unknown-connector error unless the daemon runs connector ``name``."""
    try:
        sup.find(name)
    except NotFoundError:
        raise unknown_connector(sup, name) from None


# ---------------------------------------------------------------- providers, lineage
def validate_connector(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    name = call.names["connectorProviderClassName"]
    try:
        provider = load_connector_provider(name, sup.config.aliases)
    except ProviderLoadError as exc:
        raise EgeriaRequestError(
            wire.INVALID_CONNECTOR_PROVIDER,
            (name, sup.config.server_name, exc.message),
            properties={"parameterName": "connectorProviderClassName"},
        ) from None
    return {"connectorReport": wire.egeria_provider_report(name, provider)}


def publish_open_lineage_event(sup: Supervisor, call: EgeriaCall) -> dict[str, Any]:
    sup.publish_open_lineage_event(str(call.body))
    return {}


OPERATIONS: tuple[EgeriaOperation, ...] = (
    EgeriaOperation(
        "GET",
        "/status",
        "getIntegrationDaemonStatus",
        "IntegrationDaemonStatusResponse",
        get_status,
        "integration daemon status",
    ),
    EgeriaOperation(
        "GET",
        "/integration-groups/summary",
        "getIntegrationGroupSummaries",
        "IntegrationGroupSummariesResponse",
        get_group_summaries,
        "every integration group",
    ),
    EgeriaOperation(
        "GET",
        "/integration-groups/{integrationGroupName}/summary",
        "getIntegrationGroupSummary",
        "IntegrationGroupSummaryResponse",
        get_group_summary,
        "one integration group",
    ),
    EgeriaOperation(
        "GET",
        "/integration-groups/{integrationGroupName}/refresh-config",
        "refreshIntegrationGroupConfig",
        "VoidResponse",
        refresh_group_config,
        "read a group's configuration again",
    ),
    EgeriaOperation(
        "POST",
        "/integration-connectors/refresh",
        "refreshConnectors",
        "VoidResponse",
        _control(lambda sup, name: sup.request_refresh(name)),
        "refresh connectors",
        "json",
    ),
    EgeriaOperation(
        "POST",
        "/integration-connectors/restart",
        "restartConnectors",
        "VoidResponse",
        _control(lambda sup, name: sup.restart(name)),
        "restart connectors",
        "json",
    ),
    EgeriaOperation(
        "GET",
        "/integration-connectors/{connectorName}/configuration-properties",
        "getConfigurationProperties",
        "PropertiesResponse",
        get_configuration_properties,
        "a connector's configuration properties",
    ),
    EgeriaOperation(
        "POST",
        "/integration-connectors/configuration-properties",
        "updateConfigurationProperties",
        "VoidResponse",
        update_configuration_properties,
        "change connectors' configuration properties (written to the graph)",
        "json",
    ),
    EgeriaOperation(
        "POST",
        "/integration-connectors/{connectorName}/endpoint-network-address",
        "updateEndpointNetworkAddress",
        "VoidResponse",
        update_endpoint_network_address,
        "change a connector's endpoint address (written to the graph)",
        "json",
    ),
    EgeriaOperation(
        "POST",
        "/integration-connectors/{connectorName}/connection",
        "updateConnectorConnection",
        "VoidResponse",
        update_connector_connection,
        "change a connector's connection (written to the graph)",
        "json",
    ),
    EgeriaOperation(
        "GET",
        "/validate-connector/{connectorProviderClassName}",
        "validateConnector",
        "ConnectorReportResponse",
        validate_connector,
        "check a connector provider",
    ),
    EgeriaOperation(
        "POST",
        "/publish-open-lineage-event",
        "publishOpenLineageEvent",
        "VoidResponse",
        publish_open_lineage_event,
        "hand an OpenLineage event to the connectors",
        "text",
    ),
)
"""The twelve endpoints of Egeria's IntegrationDaemonResource."""
