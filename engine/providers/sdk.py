"""The connector SDK: what a connector implements and what the daemon hands it.

A connector package provides a :class:`ConnectorProvider` subclass (named by
a ConnectorType's ``connectorProviderClassName``) that declares the
connector class, a pydantic schema for the connection's
``configurationProperties``, the catalog-target types it supports, its
default refresh interval and whether it blocks. The daemon creates one
:class:`IntegrationConnectorBase` per registration and calls, in order,
``initialize(context)``, ``start()``, then ``refresh()`` on schedule (or
``engage()`` on its own thread for a blocking connector) and finally
``disconnect()``.

The :class:`ConnectorContext` carries everything a connector may use: the
resolved connection (secret references resolved here and nowhere else),
the catalog targets with their effective configuration, a
:class:`MetadataWriter` that upserts catalogued elements with provenance, a
:class:`ConnectorReport` and a logger bound to group and connector.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from engine.errors import ConnectorConfigError, SecretUnavailableError
from engine.graph.graphmap import encode_properties
from engine.graph.store import Store
from engine.graph.writer import (
    LeaseFence,
    delete_catalogued_elements,
    link_catalogued_elements,
    upsert_catalogued_elements,
)
from engine.providers.secrets import SecretsStore, redact
from engine.typesystem import CATALOGUE_RELATIONSHIP_TYPES, RELATIONSHIP_TYPES, labels_for


class AnyConfiguration(BaseModel):
    """The default configuration schema: any properties accepted."""

    model_config = ConfigDict(extra="allow")


# ----------------------------------------------------------------- connections
@dataclass(frozen=True)
class ResolvedEndpoint:
    qualified_name: str
    network_address: str | None = None
    protocol: str | None = None


@dataclass(frozen=True)
class ResolvedEmbedded:
    """An embedded connection with its role (``display_name``) and arguments."""

    position: int
    display_name: str | None
    arguments: Mapping[str, Any]
    connection: ResolvedConnection


@dataclass(frozen=True)
class ResolvedConnection:
    """A connection as a connector sees it: configuration plus resolved secrets.

    ``secured`` and ``password`` hold :class:`SecretStr` values whose
    ``str``/``repr`` are masked; call :meth:`secret` to read one.
    """

    qualified_name: str
    type_name: str
    configuration: Mapping[str, Any]
    endpoint: ResolvedEndpoint | None = None
    connector_provider_class_name: str | None = None
    user_id: str | None = None
    secured: Mapping[str, SecretStr] = field(default_factory=dict)
    password: SecretStr | None = None
    embedded: Sequence[ResolvedEmbedded] = ()

    @property
    def network_address(self) -> str | None:
        return self.endpoint.network_address if self.endpoint else None

    def secret(self, name: str) -> str:
        """The resolved value of securedProperties[``name``] (or ``password``)."""
        if name == "password" and self.password is not None and name not in self.secured:
            return self.password.get_secret_value()
        try:
            return self.secured[name].get_secret_value()
        except KeyError:
            raise SecretUnavailableError(
                f"{self.qualified_name}: no secured property named '{name}'",
                hint=f"add securedProperties.{name} (a reference) to the connection",
            ) from None

    def secret_values(self) -> list[str]:
        values = [s.get_secret_value() for s in self.secured.values()]
        if self.password is not None:
            values.append(self.password.get_secret_value())
        for emb in self.embedded:
            values.extend(emb.connection.secret_values())
        return values


# -------------------------------------------------------------- catalog targets
@dataclass(frozen=True)
class RequestedCatalogTarget:
    """A catalog target handed to a connector, with its effective configuration."""

    guid: str
    """The CatalogTarget relationship's guid (its identity)."""
    name: str | None
    element_qualified_name: str
    element_guid: str
    element_type: str
    element_properties: Mapping[str, Any]
    configuration: Mapping[str, Any]
    """The connection's configurationProperties overlaid by the target's."""
    metadata_source: str
    permitted_synchronization: str
    delete_method: str | None = None
    connection_name: str | None = None
    templates: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------- report
@dataclass
class ConnectorReport:
    """What one refresh (or one engage run) did: counters, failures, element guids."""

    started: datetime | None = None
    finished: datetime | None = None
    counters: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``name``."""
        with self._lock:
            self.counters[name] = self.counters.get(name, 0) + n

    def failure(self, message: str, *, element: str | None = None) -> None:
        """Record a failure that did not stop the refresh (shown in status)."""
        entry = {"message": redact(message)}
        if element:
            entry["element"] = element
        with self._lock:
            self.failures.append(entry)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "started": self.started.isoformat() if self.started else None,
                "finished": self.finished.isoformat() if self.finished else None,
                "counters": dict(self.counters),
                "failures": list(self.failures),
                "created": len(self.created),
                "updated": len(self.updated),
                "deleted": len(self.deleted),
            }


# ---------------------------------------------------------------------- writer
@dataclass(frozen=True)
class CataloguedElement:
    """An element a connector catalogues: type, unique name and properties."""

    type_name: str
    qualified_name: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A relationship between two elements, by qualifiedName (end 1 -> end 2)."""

    type_name: str
    from_qualified_name: str
    to_qualified_name: str


@dataclass(frozen=True)
class UpsertResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    conflicts: list[str]
    """qualifiedNames owned by another source (or by no connector): left untouched."""


class MetadataWriter:
    """Writes what a connector catalogues, always with provenance.

    Every element written carries ``metadataSourceQualifiedName``; an element
    that exists under another source (or was authored by a person) is never
    overwritten or deleted, and is reported as a conflict instead.

    When the daemon runs the connector under a lease, ``fence`` makes every write check, in
    its own transaction, that the daemon still holds it; otherwise
    :class:`~engine.errors.LeaseLostError` is raised and nothing is written.
    """

    def __init__(
        self,
        store: Store,
        *,
        source: str,
        user: str,
        report: ConnectorReport,
        fence: LeaseFence | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.user = user
        self.report = report
        self.fence = fence

    def upsert(
        self, elements: Iterable[CataloguedElement], *, source: str | None = None
    ) -> UpsertResult:
        """Create or update ``elements`` (MERGE on qualifiedName) in one transaction."""
        rows: list[dict[str, Any]] = []
        for el in elements:
            props = dict(el.properties)
            props["typeName"] = el.type_name
            rows.append(
                {
                    "qualifiedName": el.qualified_name,
                    "guid": str(uuid.uuid4()),
                    "labels": list(labels_for(el.type_name)),
                    "properties": encode_properties(props),
                }
            )
        result = UpsertResult([], [], [], [])
        if not rows:
            return result
        out = upsert_catalogued_elements(
            self.store, rows, source=source or self.source, user=self.user, fence=self.fence
        )
        for row in out:
            action = row["action"]
            getattr(result, action if action != "conflict" else "conflicts").append(
                row["qualifiedName"]
            )
            if action == "created":
                self.report.created.append(row["guid"])
            elif action == "updated":
                self.report.updated.append(row["guid"])
            elif action == "conflict":
                self.report.failure(
                    "element exists under another metadata source; not overwritten",
                    element=row["qualifiedName"],
                )
        self.report.count("elements_created", len(result.created))
        self.report.count("elements_updated", len(result.updated))
        return result

    def link(self, links: Iterable[Link], *, source: str | None = None) -> int:
        """Create the relationships that do not exist yet; returns how many exist now."""
        rows = []
        for ln in links:
            rel_type = CATALOGUE_RELATIONSHIP_TYPES.get(ln.type_name) or RELATIONSHIP_TYPES.get(
                ln.type_name
            )
            if rel_type is None:
                raise ValueError(f"unknown relationship type {ln.type_name!r}")
            rows.append(
                {
                    "type": rel_type,
                    "from": ln.from_qualified_name,
                    "to": ln.to_qualified_name,
                    "guid": str(uuid.uuid4()),
                }
            )
        if not rows:
            return 0
        return link_catalogued_elements(
            self.store, rows, source=source or self.source, user=self.user, fence=self.fence
        )

    def delete(self, qualified_names: Iterable[str], *, source: str | None = None) -> list[str]:
        """Delete elements this source wrote (others are left); returns deleted guids."""
        names = list(qualified_names)
        if not names:
            return []
        guids = delete_catalogued_elements(
            self.store, names, source=source or self.source, fence=self.fence
        )
        self.report.deleted.extend(guids)
        self.report.count("elements_deleted", len(guids))
        return guids

    def existing(
        self, type_name: str, *, linked_to: str | None = None, source: str | None = None
    ) -> dict[str, dict[str, Any]]:
        """Elements of ``type_name`` this source wrote (optionally linked to ``linked_to``):
        qualifiedName -> stored properties."""
        out = self.store.read(
            "daemon_source_elements",
            {"source": source or self.source, "typeName": type_name, "anchor": linked_to},
        )
        return {row["qualifiedName"]: row["properties"] for row in out}


# ---------------------------------------------------------------------- logger
class ConnectorLogger(logging.LoggerAdapter[logging.Logger]):
    """A logger bound to group and connector; every message is redacted."""

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        extra = dict(self.extra or {})
        kwargs["extra"] = {**extra, **(kwargs.get("extra") or {})}
        prefix = f"[{extra.get('group')}/{extra.get('connector')}] "
        return prefix + redact(str(msg)), kwargs

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if args:
            try:
                msg = str(msg) % args
            except (TypeError, ValueError):
                msg = f"{msg} {args}"
            args = ()
        super().log(level, msg, *args, **kwargs)


def connector_logger(group: str, connector: str) -> ConnectorLogger:
    return ConnectorLogger(
        logging.getLogger(f"switchboard.connector.{connector}"),
        {"group": group, "connector": connector},
    )


# --------------------------------------------------------------------- context
@dataclass
class ConnectorContext:
    """Everything the daemon hands a connector in ``initialize``."""

    group: str
    connector_name: str
    connector_qualified_name: str
    connector_guid: str
    registration_guid: str
    connection: ResolvedConnection
    configuration: BaseModel
    """The connection's configurationProperties parsed by the provider's schema."""
    catalog_targets: list[RequestedCatalogTarget]
    metadata_source: str
    metadata_collection: str | None
    user_id: str
    permitted_synchronization: str
    generate_activity_reports: bool
    writer: MetadataWriter
    report: ConnectorReport
    logger: ConnectorLogger
    stop_event: threading.Event
    """Set when the daemon wants the connector to stop (blocking connectors poll it)."""
    secrets_stores: dict[str, SecretsStore] = field(default_factory=dict)

    def target_configuration(
        self, target: RequestedCatalogTarget, schema: type[BaseModel] | None = None
    ) -> BaseModel:
        """A target's effective configuration parsed by ``schema`` (default: the provider's)."""
        model = schema or type(self.configuration)
        try:
            return model.model_validate(dict(target.configuration))
        except ValidationError as exc:
            raise ConnectorConfigError(
                f"catalog target {target.name or target.guid}: {_brief(exc)}"
            ) from None

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()


def _brief(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


# ------------------------------------------------------------------- connector
class IntegrationConnectorBase:
    """Base class of every integration connector.

    Subclasses override :meth:`refresh` (scheduled connectors) or
    :meth:`engage` (blocking connectors, which should return when
    ``context.stop_event`` is set). Exceptions from ``initialize``/``start``
    put the connector in INITIALIZE_FAILED (retried with backoff); from
    ``refresh``/``engage`` in FAILED (sticky until restart), except
    :class:`~engine.errors.StoreUnavailableError` from ``refresh``, which is
    retried.
    """

    context: ConnectorContext

    def initialize(self, context: ConnectorContext) -> None:
        """Receive the context. Do not connect to anything yet."""
        self.context = context

    def start(self) -> None:
        """Connect to the third-party technology."""

    def refresh(self) -> None:
        """Synchronise once (scheduled connectors)."""

    def engage(self) -> None:
        """Run until ``context.stop_event`` is set (blocking connectors)."""
        self.context.stop_event.wait()

    def catalog_targets_changed(
        self,
        added: Sequence[RequestedCatalogTarget],
        changed: Sequence[RequestedCatalogTarget],
        removed: Sequence[RequestedCatalogTarget],
    ) -> None:
        """Called when targets change while running; ``context.catalog_targets``
        already holds the new list."""

    def check(self) -> str | None:
        """Optional health check: a problem description, or ``None`` when healthy."""
        return None

    def open_lineage_event(self, event: str) -> None:
        """An OpenLineage event (its JSON text) published to the daemon; called only when
        the provider sets :attr:`ConnectorProvider.consumes_open_lineage_events`, on the
        caller's thread while the connector runs."""

    def disconnect(self) -> None:
        """Release everything; the connector will not be called again."""


class ConnectorProvider:
    """Declares a connector: class, configuration schema, targets, schedule, blocking."""

    connector_class: ClassVar[type[IntegrationConnectorBase]] = IntegrationConnectorBase
    configuration_schema: ClassVar[type[BaseModel]] = AnyConfiguration
    supported_target_types: ClassVar[tuple[str, ...]] = ()
    """Catalog-target type names the connector handles (empty: any)."""
    default_refresh_minutes: ClassVar[int] = 60
    """Used when the registration sets no refreshTimeInterval."""
    blocking: ClassVar[bool] = False
    consumes_open_lineage_events: ClassVar[bool] = False
    """Whether the connector receives the OpenLineage events published to the daemon
    (:meth:`IntegrationConnectorBase.open_lineage_event`)."""
    description: ClassVar[str] = ""

    def create_connector(self) -> IntegrationConnectorBase:
        return self.connector_class()

    def parse_configuration(self, properties: Mapping[str, Any], *, where: str) -> BaseModel:
        """Validate ``properties`` against :attr:`configuration_schema`;
        raises :class:`ConnectorConfigError`."""
        try:
            return self.configuration_schema.model_validate(dict(properties))
        except ValidationError as exc:
            raise ConnectorConfigError(
                f"{where}: configurationProperties do not fit {type(self).__name__}: {_brief(exc)}",
                hint="fix the connection's configurationProperties",
            ) from None


class SecretsStoreProvider:
    """Declares a secrets store usable as an embedded secrets-store connection."""

    configuration_schema: ClassVar[type[BaseModel]] = AnyConfiguration
    description: ClassVar[str] = ""

    def open(self, connection: ResolvedConnection) -> SecretsStore:
        raise NotImplementedError
