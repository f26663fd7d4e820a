"""The integration daemon: connector SDK, provider registry, state machine, supervisor.

Connector authors need :class:`ConnectorProvider`, :class:`IntegrationConnector`,
:class:`ConnectorContext` and friends; operators use ``switchboard daemon``.
"""

from engine.daemon.clock import Clock, ManualClock, SystemClock
from engine.daemon.config import ApiConfig, DaemonConfig
from engine.daemon.spec import ConnectorSpec, specs_from_groups
from engine.daemon.states import (
    TRANSITIONS,
    ConnectorState,
    Event,
    InvalidTransition,
    backoff_seconds,
    next_state,
)
from engine.daemon.supervisor import Supervisor
from engine.providers.registry import (
    BUILTIN_PROVIDERS,
    DEFAULT_ALIASES,
    ENTRY_POINT_GROUP,
    ProviderInfo,
    list_providers,
    load_connector_provider,
    load_provider,
)
from engine.providers.sdk import (
    AnyConfiguration,
    CatalogTarget,
    ConnectorContext,
    ConnectorProvider,
    ConnectorReport,
    Element,
    IntegrationConnector,
    Link,
    MetadataWriter,
    ResolvedConnection,
    ResolvedEmbedded,
    ResolvedEndpoint,
    SecretsStoreProvider,
    UpsertResult,
)
from engine.providers.secrets import SecretsStore, redact

__all__ = [
    "BUILTIN_PROVIDERS",
    "DEFAULT_ALIASES",
    "ENTRY_POINT_GROUP",
    "TRANSITIONS",
    "AnyConfiguration",
    "ApiConfig",
    "CatalogTarget",
    "Clock",
    "ConnectorContext",
    "ConnectorProvider",
    "ConnectorReport",
    "ConnectorSpec",
    "ConnectorState",
    "DaemonConfig",
    "Element",
    "Event",
    "IntegrationConnector",
    "InvalidTransition",
    "Link",
    "ManualClock",
    "MetadataWriter",
    "ProviderInfo",
    "ResolvedConnection",
    "ResolvedEmbedded",
    "ResolvedEndpoint",
    "SecretsStore",
    "SecretsStoreProvider",
    "Supervisor",
    "SystemClock",
    "UpsertResult",
    "backoff_seconds",
    "list_providers",
    "load_connector_provider",
    "load_provider",
    "next_state",
    "redact",
    "specs_from_groups",
]
