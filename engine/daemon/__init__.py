"""The integration daemon: connector SDK, provider registry, state machine, supervisor.

Connector authors need :class:`ConnectorProvider`, :class:`IntegrationConnectorBase`,
:class:`ConnectorContext` and friends; operators use ``switchboard daemon``.
Inside, the :class:`Herder` decides (groups, polling, reconciling), the
:class:`Worker` runs (dispatch, per-connector :class:`ConnectorRuntime`), the
:class:`Supervisor` composes the two, :class:`DaemonProcess` adds the control
API and signals, and :mod:`engine.daemon.status` types what they report.
"""

from engine.daemon.clock import Clock, ManualClock, SystemClock
from engine.daemon.config import ApiConfig, DaemonConfig
from engine.daemon.herder import Herder
from engine.daemon.process import DaemonProcess
from engine.daemon.runtime import ConnectorRuntime
from engine.daemon.spec import ConnectorSpec, specs_from_groups
from engine.daemon.states import (
    TRANSITIONS,
    ConnectorState,
    Event,
    InvalidTransition,
    backoff_seconds,
    next_state,
)
from engine.daemon.status import (
    ConnectorStatus,
    ControlResult,
    DaemonStatus,
    GroupStatus,
    HealthStatus,
    RefreshReport,
    RunOnceReport,
)
from engine.daemon.supervisor import Supervisor
from engine.daemon.worker import Worker
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
    CataloguedElement,
    ConnectorContext,
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
)
from engine.providers.secrets import SecretsStore, redact

__all__ = [
    "BUILTIN_PROVIDERS",
    "DEFAULT_ALIASES",
    "ENTRY_POINT_GROUP",
    "TRANSITIONS",
    "AnyConfiguration",
    "ApiConfig",
    "CataloguedElement",
    "Clock",
    "ConnectorContext",
    "ConnectorProvider",
    "ConnectorReport",
    "ConnectorRuntime",
    "ConnectorSpec",
    "ConnectorState",
    "ConnectorStatus",
    "ControlResult",
    "DaemonConfig",
    "DaemonProcess",
    "DaemonStatus",
    "Event",
    "GroupStatus",
    "HealthStatus",
    "Herder",
    "IntegrationConnectorBase",
    "InvalidTransition",
    "Link",
    "ManualClock",
    "MetadataWriter",
    "ProviderInfo",
    "RefreshReport",
    "RequestedCatalogTarget",
    "ResolvedConnection",
    "ResolvedEmbedded",
    "ResolvedEndpoint",
    "RunOnceReport",
    "SecretsStore",
    "SecretsStoreProvider",
    "Supervisor",
    "SystemClock",
    "UpsertResult",
    "Worker",
    "backoff_seconds",
    "list_providers",
    "load_connector_provider",
    "load_provider",
    "next_state",
    "redact",
    "specs_from_groups",
]
