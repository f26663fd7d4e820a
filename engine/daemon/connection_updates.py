"""Changes an operator makes to a running connector's connection, written to the graph.

Egeria's integration daemon changes a connector's configuration properties,
endpoint address or whole connection in memory; Switchboard writes the change
through the write API (:mod:`engine.graph.elements`), so every daemon running
the connector and the element's history see it, and the daemon that took the
request follows it as it follows any change in the graph (its fingerprint poll
restarts the connector with the new configuration).

Each function takes the connector's resolved view (what the daemon runs) and
raises :class:`~engine.errors.UsageError` for a request that cannot apply (a
connector without a connection), :class:`~engine.errors.ConflictError` when the
element changed between reading and writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import UsageError
from engine.graph.elements import (
    attach_connection,
    attach_connector_type,
    attach_endpoint,
    find_element,
    save_element,
    update_element,
)
from engine.graph.store import Store
from engine.model import Connection, ConnectorType, Endpoint, Referenceable, VirtualConnection
from engine.resolved import ConnectionView, ConnectorView

CONNECTION_FIELDS = (
    "displayName",
    "description",
    "additionalProperties",
    "configurationProperties",
    "securedProperties",
    "userId",
    "clearPassword",
    "encryptedPassword",
)
"""The properties of Egeria's ``Connection`` bean that a connection element stores."""
CONNECTOR_TYPE_FIELDS = (
    "displayName",
    "description",
    "connectorProviderClassName",
    "recognizedConfigurationProperties",
    "recognizedSecuredProperties",
    "recognizedAdditionalProperties",
    "supportedAssetTypeName",
    "connectorFrameworkName",
    "connectorInterfaceLanguage",
    "targetTechnologyName",
)
ENDPOINT_FIELDS = ("displayName", "description", "protocol", "encryptionMethod")


def connection_of(view: ConnectorView) -> ConnectionView:
    """The connection a connector runs with; :class:`UsageError` when it has none."""
    if view.connection is None:
        raise UsageError(
            f"connector '{view.connector_name}' has no connection to change",
            hint="attach a connection to the connector first",
        )
    return view.connection


def write_configuration_properties(
    store: Store,
    view: ConnectorView,
    properties: Mapping[str, Any],
    *,
    merge: bool,
    user: str | None = None,
) -> None:
    """Set the connection's configurationProperties: ``properties`` over the stored ones
    (``merge``) or exactly ``properties``."""
    connection = connection_of(view)
    stored = find_element(store, connection.qualifiedName)
    current = dict(getattr(stored.element, "configurationProperties", None) or {}) if stored else {}
    wanted = {**current, **properties} if merge else dict(properties)
    model = VirtualConnection if connection.typeName == "VirtualConnection" else Connection
    version = stored.audit.version if stored else None
    update_element(
        store,
        model(qualifiedName=connection.qualifiedName, configurationProperties=wanted),
        expected_version=version,
        user=user,
    )


def write_endpoint_address(
    store: Store, view: ConnectorView, address: str, *, user: str | None = None
) -> None:
    """Set the networkAddress of the connection's endpoint (created when it has none)."""
    connection = connection_of(view)
    endpoint = connection.endpoint.qualifiedName if connection.endpoint else None
    name = endpoint or f"{connection.qualifiedName}::Endpoint"
    _upsert(store, Endpoint, name, {"networkAddress": address}, user)
    if endpoint is None:
        attach_endpoint(store, connection.qualifiedName, name)


def write_connection(
    store: Store, view: ConnectorView, bean: Mapping[str, Any], *, user: str | None = None
) -> str:
    """Apply an Egeria ``Connection`` bean to the connector; returns the connection's name.

    Without a qualifiedName (or with the current one) the connector's connection is
    updated in place; another qualifiedName makes that connection (created when missing)
    the connector's. A ``connectorType`` or ``endpoint`` in the bean is merged onto the
    connection's own (a qualifiedName in it links that element instead); Egeria's
    endpoint ``address`` is stored as networkAddress.
    """
    current = view.connection
    name = bean.get("qualifiedName") or (current.qualifiedName if current else None)
    if not name:
        raise UsageError(
            f"connector '{view.connector_name}' has no connection and the body names none",
            hint="give the connection's qualifiedName in the body",
        )
    same = current is not None and current.qualifiedName == name
    model = VirtualConnection if bean.get("class") == "VirtualConnection" else Connection
    if same and current is not None and current.typeName == "VirtualConnection":
        model = VirtualConnection
    _upsert(store, model, name, _pick(bean, CONNECTION_FIELDS), user)
    if not same:
        attach_connection(store, view.connector.qualifiedName, name)
    _linked(store, bean.get("connectorType"), name, current if same else None, "connectorType")
    _linked(store, bean.get("endpoint"), name, current if same else None, "endpoint")
    return str(name)


def _linked(
    store: Store,
    part: Any,
    connection: str,
    current: ConnectionView | None,
    kind: str,
) -> None:
    """Merge a connectorType or endpoint of the bean onto the connection's own, linking it."""
    if not isinstance(part, Mapping):
        return
    existing = getattr(current, kind, None) if current is not None else None
    suffix = "ConnectorType" if kind == "connectorType" else "Endpoint"
    name = part.get("qualifiedName") or (
        existing.qualifiedName if existing else f"{connection}::{suffix}"
    )
    if kind == "connectorType":
        _upsert(store, ConnectorType, name, _pick(part, CONNECTOR_TYPE_FIELDS), None)
        attach_connector_type(store, connection, name)
        return
    fields = _pick(part, ENDPOINT_FIELDS)
    address = part.get("address", part.get("networkAddress"))
    if address is not None:
        fields["networkAddress"] = address
    _upsert(store, Endpoint, name, fields, None)
    attach_endpoint(store, connection, name)


def _pick(bean: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: bean[key] for key in fields if bean.get(key) is not None}


def _upsert(
    store: Store,
    model: type[Referenceable],
    name: str,
    fields: Mapping[str, Any],
    user: str | None,
) -> None:
    """Create element ``name`` with ``fields``, or merge ``fields`` onto the stored one."""
    element = model.model_validate({"qualifiedName": name, **fields})
    stored = find_element(store, name)
    if stored is None:
        save_element(store, element, user=user)
    else:
        update_element(store, element, expected_version=stored.audit.version, user=user)
