"""Connector SDK, provider registry and secrets resolution."""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.providers.registry import (
        BUILTIN_PROVIDERS,
        DEFAULT_ALIASES,
        ENTRY_POINT_GROUP,
        AnyProvider,
        ProviderInfo,
        list_providers,
        load_connector_provider,
        load_provider,
    )
    from engine.providers.sdk import (
        AnyConfiguration,
        CataloguedElement,
        ConnectorContext,
        ConnectorLogger,
        ConnectorProvider,
        ConnectorReport,
        IntegrationConnectorBase,
        Link,
        MetadataWriter,
        RequestedCatalogTarget,
        ResolvedConnection,
        ResolvedEmbedded,
        ResolvedEndpoint,
        SecretsStoreProvider,
        UpsertResult,
        connector_logger,
    )
    from engine.providers.secrets import (
        REDACTED,
        SecretsStore,
        forget_secrets,
        redact,
        register_secrets,
        resolve_reference,
    )

__all__ = [
    "BUILTIN_PROVIDERS",
    "DEFAULT_ALIASES",
    "ENTRY_POINT_GROUP",
    "REDACTED",
    "AnyConfiguration",
    "AnyProvider",
    "CataloguedElement",
    "ConnectorContext",
    "ConnectorLogger",
    "ConnectorProvider",
    "ConnectorReport",
    "IntegrationConnectorBase",
    "Link",
    "MetadataWriter",
    "ProviderInfo",
    "RequestedCatalogTarget",
    "ResolvedConnection",
    "ResolvedEmbedded",
    "ResolvedEndpoint",
    "SecretsStore",
    "SecretsStoreProvider",
    "UpsertResult",
    "connector_logger",
    "forget_secrets",
    "list_providers",
    "load_connector_provider",
    "load_provider",
    "redact",
    "register_secrets",
    "resolve_reference",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
