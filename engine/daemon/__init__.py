"""The integration daemon: connector SDK, provider registry, state machine, supervisor.

Connector authors need :class:`ConnectorProvider`, :class:`IntegrationConnectorBase`,
:class:`ConnectorContext` and friends; operators use ``switchboard daemon``.
Inside, the :class:`Herder` decides (groups, polling, reconciling), the
:class:`Worker` runs (dispatch, per-connector :class:`ConnectorRuntime`), the
:class:`Supervisor` composes the two, :class:`DaemonProcess` adds the control
API and signals, and :mod:`engine.daemon.status` types what they report.

Every name is imported when first asked for (:mod:`engine.reexports`): the control API
(:class:`ApiServer`, :func:`create_app`) brings FastAPI and uvicorn, which every other
command can do without.
"""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.daemon.api import ApiServer, create_app
    from engine.daemon.api_token import (
        TOKEN_ENV,
        ApiAuth,
        TokenSource,
        api_auth,
        api_token_file,
        is_loopback,
        stored_api_token,
    )
    from engine.daemon.assignment import (
        FENCE_WATCH_SECONDS,
        LeaseCoordinator,
        RoundResult,
        Share,
        fair_share,
    )
    from engine.daemon.clock import Clock, ManualClock, SystemClock
    from engine.daemon.cluster import cluster_status
    from engine.daemon.config import DEFAULT_PORT, ApiConfig, DaemonConfig, LeaseConfig
    from engine.daemon.egeria_config import (
        EGERIA_IGNORED_SECTIONS,
        EGERIA_SERVER_CONFIG_CLASS,
        EgeriaDaemonSettings,
        IntegrationConnectorConfig,
        IntegrationGroupConfig,
        IntegrationServiceConfig,
        OMAGServerConfig,
        egeria_daemon_settings,
        is_egeria_server_config,
    )
    from engine.daemon.egeria_wire import (
        CONNECTOR_STATUS_BY_STATE,
        INTEGRATION_CONNECTOR_STATUSES,
        INTEGRATION_GROUP_STATUSES,
        egeria_connection_bean,
        egeria_connector_report,
        egeria_daemon_status,
        egeria_group_status,
        egeria_group_summary,
        egeria_provider_report,
    )
    from engine.daemon.forward import FORWARD_TIMEOUT, forward_control
    from engine.daemon.herder import Herder
    from engine.daemon.impact import RestartImpact, connector_names, restart_impact, touched_names
    from engine.daemon.leases import (
        ACQUIRE_BATCH,
        LOST_DEADLINE,
        LOST_FENCED,
        LOST_TO_ANOTHER,
        DaemonInfo,
        HeldLease,
        LeaseKeeper,
        LeaseSettings,
        LeaseState,
        LostLease,
        free_registrations,
        lease_states,
        live_daemons,
    )
    from engine.daemon.process import DaemonProcess, configure_logging
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
        UNASSIGNED,
        ClusterStatus,
        ConnectorChangeSet,
        ConnectorHolder,
        ConnectorStatus,
        ControlResult,
        DaemonEntry,
        DaemonStatus,
        GroupStatus,
        HealthStatus,
        LeaseStatus,
        LostConnector,
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
    "ACQUIRE_BATCH",
    "BUILTIN_PROVIDERS",
    "CONNECTOR_STATUS_BY_STATE",
    "DEFAULT_ALIASES",
    "DEFAULT_PORT",
    "EGERIA_IGNORED_SECTIONS",
    "EGERIA_SERVER_CONFIG_CLASS",
    "ENTRY_POINT_GROUP",
    "FENCE_WATCH_SECONDS",
    "FORWARD_TIMEOUT",
    "INTEGRATION_CONNECTOR_STATUSES",
    "INTEGRATION_GROUP_STATUSES",
    "LOST_DEADLINE",
    "LOST_FENCED",
    "LOST_TO_ANOTHER",
    "TOKEN_ENV",
    "TRANSITIONS",
    "UNASSIGNED",
    "AnyConfiguration",
    "ApiAuth",
    "ApiConfig",
    "ApiServer",
    "CataloguedElement",
    "Clock",
    "ClusterStatus",
    "ConnectorChangeSet",
    "ConnectorContext",
    "ConnectorHolder",
    "ConnectorProvider",
    "ConnectorReport",
    "ConnectorRuntime",
    "ConnectorSpec",
    "ConnectorState",
    "ConnectorStatus",
    "ControlResult",
    "DaemonConfig",
    "DaemonEntry",
    "DaemonInfo",
    "DaemonProcess",
    "DaemonStatus",
    "EgeriaDaemonSettings",
    "Event",
    "GroupStatus",
    "HealthStatus",
    "HeldLease",
    "Herder",
    "IntegrationConnectorBase",
    "IntegrationConnectorConfig",
    "IntegrationGroupConfig",
    "IntegrationServiceConfig",
    "InvalidTransition",
    "LeaseConfig",
    "LeaseCoordinator",
    "LeaseKeeper",
    "LeaseSettings",
    "LeaseState",
    "LeaseStatus",
    "Link",
    "LostConnector",
    "LostLease",
    "ManualClock",
    "MetadataWriter",
    "OMAGServerConfig",
    "ProviderInfo",
    "RefreshReport",
    "RequestedCatalogTarget",
    "ResolvedConnection",
    "ResolvedEmbedded",
    "ResolvedEndpoint",
    "RestartImpact",
    "RoundResult",
    "RunOnceReport",
    "SecretsStore",
    "SecretsStoreProvider",
    "Share",
    "Supervisor",
    "SystemClock",
    "TokenSource",
    "UpsertResult",
    "Worker",
    "api_auth",
    "api_token_file",
    "backoff_seconds",
    "cluster_status",
    "configure_logging",
    "connector_names",
    "create_app",
    "egeria_connection_bean",
    "egeria_connector_report",
    "egeria_daemon_settings",
    "egeria_daemon_status",
    "egeria_group_status",
    "egeria_group_summary",
    "egeria_provider_report",
    "fair_share",
    "forward_control",
    "free_registrations",
    "is_egeria_server_config",
    "is_loopback",
    "lease_states",
    "list_providers",
    "live_daemons",
    "load_connector_provider",
    "load_provider",
    "next_state",
    "redact",
    "restart_impact",
    "specs_from_groups",
    "stored_api_token",
    "touched_names",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
