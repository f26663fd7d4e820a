"""Turning a connector spec into a connector object and the context it runs with.

The worker calls these on a worker thread when it starts a connector: load the
provider its connector type names, parse its configuration, resolve its
connection's secrets (through the secrets stores among its embedded
connections) and hand it its catalog targets and a metadata writer. What was
opened on the way (secrets stores, secret values registered for redaction) is
recorded in a :class:`SecretResources` so that it can be released on any
outcome.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, SecretStr

from engine.daemon.spec import ConnectorSpec
from engine.errors import ConnectorConfigError, ProviderLoadError
from engine.graph.store import Store
from engine.providers.registry import load_connector_provider, load_provider
from engine.providers.sdk import (
    ConnectorContext,
    ConnectorProvider,
    ConnectorReport,
    MetadataWriter,
    RequestedCatalogTarget,
    ResolvedConnection,
    ResolvedEmbedded,
    ResolvedEndpoint,
    SecretsStoreProvider,
    connector_logger,
)
from engine.providers.secrets import (
    SecretsStore,
    forget_secrets,
    register_secrets,
    resolve_reference,
)
from engine.resolved import CatalogTargetView, ConnectionView
from engine.typesystem import DEFAULT_PERMITTED_SYNCHRONIZATION, labels_for

log = logging.getLogger("switchboard.daemon")

SECRET_PROPERTIES = ("clearPassword", "encryptedPassword")


@dataclass
class SecretResources:
    """Secrets stores opened and secret values registered for one connector."""

    stores: list[SecretsStore] = field(default_factory=list)
    secret_values: list[str] = field(default_factory=list)

    def release(self, where: str) -> None:
        """Close the stores and forget the values (``where`` names the connector in logs)."""
        for store in self.stores:
            try:
                store.close()
            except Exception:
                log.warning("[%s] closing a secrets store failed", where)
        self.stores = []
        if self.secret_values:
            forget_secrets(self.secret_values)
            self.secret_values = []


@dataclass(frozen=True)
class ProviderChoice:
    """The provider a connector's connector type names, and its parsed configuration."""

    provider: ConnectorProvider
    class_name: str
    configuration: BaseModel


def choose_provider(spec: ConnectorSpec, aliases: Mapping[str, str]) -> ProviderChoice:
    """Load the provider of ``spec``'s connection and parse its configuration.

    Raises :class:`ConnectorConfigError` (validation errors, no connection, no
    connector type) or :class:`ProviderLoadError`.
    """
    view = spec.view
    if spec.errors:
        raise ConnectorConfigError(
            "validation errors: " + "; ".join(spec.errors),
            hint="run 'switchboard validate' and fix the group",
        )
    if view.connection is None:
        raise ConnectorConfigError(f"{view.connector.qualifiedName} has no connection")
    ct = view.connection.connectorType
    class_name = ct.properties.get("connectorProviderClassName") if ct else None
    if not class_name:
        raise ConnectorConfigError(
            f"connection {view.connection.qualifiedName} has no connector type with a "
            "connectorProviderClassName"
        )
    provider = load_connector_provider(str(class_name), aliases)
    configuration = provider.parse_configuration(
        view.connection.configuration_properties, where=view.connection.qualifiedName
    )
    return ProviderChoice(provider, str(class_name), configuration)


def is_blocking(spec: ConnectorSpec, provider: ConnectorProvider) -> bool:
    """Whether the connector engages (runs until disconnected) instead of refreshing."""
    return bool(spec.view.usesBlockingCalls or provider.blocking)


def build_context(
    spec: ConnectorSpec,
    choice: ProviderChoice,
    *,
    store: Store,
    aliases: Mapping[str, str],
    resources: SecretResources,
    stop_event: threading.Event,
) -> ConnectorContext:
    """The context the connector is initialised with (secrets resolved into ``resources``).

    Raises :class:`~engine.errors.SecretUnavailableError` when a secret cannot be resolved.
    """
    view = spec.view
    assert view.connection is not None  # choose_provider checked
    connection, stores = resolve_connection(
        view.connection, choice.class_name, aliases=aliases, resources=resources
    )
    reg = view.registration
    report = ConnectorReport()
    source = reg.metadataSourceQualifiedName or view.connector.qualifiedName
    user = reg.connectorUserId or "switchboard"
    return ConnectorContext(
        group=spec.group,
        connector_name=spec.name,
        connector_qualified_name=view.connector.qualifiedName,
        connector_guid=view.connector.guid,
        registration_guid=reg.guid,
        connection=connection,
        configuration=choice.configuration,
        catalog_targets=supported_targets(spec, view.catalogTargets, choice.provider, source),
        metadata_source=source,
        metadata_collection=reg.metadataCollectionQualifiedName,
        user_id=user,
        permitted_synchronization=reg.permittedSynchronization or DEFAULT_PERMITTED_SYNCHRONIZATION,
        generate_activity_reports=reg.generateConnectorActivityReports,
        writer=MetadataWriter(store, source=source, user=user, report=report),
        report=report,
        logger=connector_logger(spec.group, spec.name),
        stop_event=stop_event,
        secrets_stores=stores,
    )


def supported_targets(
    spec: ConnectorSpec,
    views: list[CatalogTargetView],
    provider: ConnectorProvider,
    source: str,
) -> list[RequestedCatalogTarget]:
    """The catalog targets the provider supports (others skipped with a warning)."""
    out = []
    for t in views:
        supported = provider.supported_target_types
        if supported and not set(labels_for(t.element.typeName)) & set(supported):
            log.warning(
                "[%s/%s] catalog target %s is a %s; the provider supports %s: skipped",
                spec.group,
                spec.name,
                t.name or t.guid,
                t.element.typeName,
                ", ".join(supported),
            )
            continue
        out.append(catalog_target(t, source))
    return out


def resolve_connection(
    view: ConnectionView,
    class_name: str,
    *,
    aliases: Mapping[str, str],
    resources: SecretResources,
) -> tuple[ResolvedConnection, dict[str, SecretsStore]]:
    """The connection with its secrets resolved, and the secrets stores by name."""
    stores: dict[str, SecretsStore] = {}
    embedded: list[ResolvedEmbedded] = []
    for emb in view.embeddedConnections:
        if emb.cycle:
            continue
        child = plain_connection(emb.connection)
        ct = emb.connection.connectorType
        name = ct.properties.get("connectorProviderClassName") if ct else None
        if name and emb.displayName:
            try:
                provider = load_provider(str(name), aliases)
            except ProviderLoadError:
                provider = None
            if isinstance(provider, SecretsStoreProvider):
                store = provider.open(child)
                resources.stores.append(store)
                stores[emb.displayName] = store
        embedded.append(ResolvedEmbedded(emb.position, emb.displayName, dict(emb.arguments), child))
    secured, password = _secrets(view, stores)
    base = plain_connection(view)
    resolved = ResolvedConnection(
        qualified_name=base.qualified_name,
        type_name=base.type_name,
        configuration=base.configuration,
        endpoint=base.endpoint,
        connector_provider_class_name=class_name,
        user_id=base.user_id,
        secured=secured,
        password=password,
        embedded=tuple(embedded),
    )
    resources.secret_values = resolved.secret_values()
    register_secrets(resources.secret_values)
    return resolved, stores


def _secrets(
    view: ConnectionView, stores: dict[str, SecretsStore]
) -> tuple[dict[str, SecretStr], SecretStr | None]:
    """The securedProperties and the password of ``view``, resolved."""
    where = f"connection {view.qualifiedName}"
    secured_refs = view.properties.get("securedProperties") or {}
    secured: dict[str, SecretStr] = {}
    if isinstance(secured_refs, Mapping):
        for key, ref in secured_refs.items():
            secured[key] = resolve_reference(str(ref), name=key, where=where, stores=stores)
    password: SecretStr | None = None
    for prop in SECRET_PROPERTIES:
        ref = view.properties.get(prop)
        if ref:
            password = resolve_reference(str(ref), name="password", where=where, stores=stores)
            break
    return secured, password


def catalog_target(view: CatalogTargetView, source: str) -> RequestedCatalogTarget:
    """The SDK's view of one resolved catalog target."""
    rel = view.relationship
    return RequestedCatalogTarget(
        guid=view.guid,
        name=view.name,
        element_qualified_name=view.element.qualifiedName,
        element_guid=view.element.guid,
        element_type=view.element.typeName,
        element_properties=dict(view.element.properties),
        configuration=dict(view.effectiveConfiguration),
        metadata_source=str(rel.get("metadataSourceQualifiedName") or source),
        permitted_synchronization=view.effectivePermittedSynchronization,
        delete_method=rel.get("deleteMethod"),
        connection_name=rel.get("connectionName"),
        templates=dict(rel.get("templates") or {}),
    )


def plain_connection(view: ConnectionView) -> ResolvedConnection:
    """A connection without secrets (embedded connections, secrets stores)."""
    ep = view.endpoint
    endpoint = (
        ResolvedEndpoint(
            ep.qualifiedName,
            _str_or_none(ep.properties.get("networkAddress")),
            _str_or_none(ep.properties.get("protocol")),
        )
        if ep
        else None
    )
    ct = view.connectorType
    return ResolvedConnection(
        qualified_name=view.qualifiedName,
        type_name=view.typeName,
        configuration=view.configuration_properties,
        endpoint=endpoint,
        connector_provider_class_name=_str_or_none(
            ct.properties.get("connectorProviderClassName") if ct else None
        ),
        user_id=_str_or_none(view.properties.get("userId")),
    )


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None
