"""SQL database cataloguer: schemas, tables and columns through SQLAlchemy inspection.

The database URL is the configuration property ``databaseUrl`` (connection or
catalog target), else the target element's ``pathName``, else the endpoint's
``networkAddress``; a plain file path
means SQLite, so the connector works with no server. Credentials come from
the connection's ``userId`` and its resolved password secret (``clearPassword``
reference or ``securedProperties.password``); they are put into the URL only
in memory and never logged.

Each catalog target of type Database (or, with no targets, a Database element
the connector creates for the URL) gets ``DeployedDatabaseSchema`` elements
(``Database -DataContentForDataSet-> schema``), ``RelationalTable`` elements
(``schema -AttributeForSchema-> table``) and ``RelationalColumn`` elements
(``table -NestedSchemaAttribute-> column``) with ``dataType``, ``position``,
``isNullable``, ``isPrimaryKey`` and ``defaultValue``. Tables and columns
that disappeared from the database are deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Inspector, create_engine, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from engine.errors import ConnectorConfigError, SecretUnavailableError
from engine.providers.sdk import (
    CataloguedElement,
    ConnectorProvider,
    IntegrationConnectorBase,
    Link,
    MetadataWriter,
)


class SqlCataloguerConfig(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    database_url: str | None = Field(None, alias="databaseUrl")
    schemas: list[str] | None = None
    """Only these schemas (default: every schema the database reports)."""
    include_views: bool = Field(True, alias="includeViews")
    table_name_pattern: str | None = Field(None, alias="tableNamePattern")
    """SQL LIKE pattern (``%`` any run, ``_`` one character) on table names."""


@dataclass(frozen=True)
class Database:
    qualified_name: str
    url: URL
    config: SqlCataloguerConfig
    source: str


def to_url(address: str) -> URL:
    """A SQLAlchemy URL; a plain path means a SQLite file."""
    try:
        if "://" not in address:
            return make_url(f"sqlite:///{address}")
        return make_url(address)
    except ArgumentError as exc:
        raise ConnectorConfigError(f"'{address}' is not a database URL ({exc})") from None


class SqlDatabaseCataloguer(IntegrationConnectorBase):
    """Catalogues the structure of relational databases."""

    def start(self) -> None:
        self._engines: dict[str, Engine] = {}
        if not self.databases():
            raise ConnectorConfigError(
                f"{self.context.connector_name}: no database to catalogue",
                hint="set the endpoint networkAddress (a URL or a SQLite file), "
                "'databaseUrl', or add a Database catalog target",
            )

    def databases(self) -> list[Database]:
        ctx = self.context
        base = ctx.configuration
        assert isinstance(base, SqlCataloguerConfig)
        out: list[Database] = []
        for target in ctx.catalog_targets:
            cfg = ctx.target_configuration(target)
            assert isinstance(cfg, SqlCataloguerConfig)
            address = (
                cfg.database_url
                or _text(target.element_properties.get("pathName"))
                or ctx.connection.network_address
            )
            if not address:
                ctx.report.failure("no databaseUrl for this target", element=target.name)
                continue
            out.append(
                Database(
                    target.element_qualified_name,
                    self._with_credentials(to_url(address)),
                    cfg,
                    target.metadata_source,
                )
            )
        if not ctx.catalog_targets:
            address = base.database_url or ctx.connection.network_address
            if address:
                url = self._with_credentials(to_url(address))
                qn = f"Database::{url.render_as_string(hide_password=True)}"
                out.append(Database(qn, url, base, ctx.metadata_source))
        return out

    def _with_credentials(self, url: URL) -> URL:
        conn = self.context.connection
        if url.get_backend_name() == "sqlite":
            return url  # SQLite has no credentials (and refuses URLs that carry them)
        if conn.user_id and not url.username:
            url = url.set(username=conn.user_id)
        if not url.password:
            try:
                password = conn.secret("password")
            except SecretUnavailableError:
                password = None
            if password:
                url = url.set(password=password)
        return url

    def _engine(self, url: URL) -> Engine:
        key = url.render_as_string(hide_password=False)
        engine = self._engines.get(key)
        if engine is None:
            engine = create_engine(url)
            self._engines[key] = engine
        return engine

    def refresh(self) -> None:
        for db in self.databases():
            if self.context.stopping:
                return
            try:
                self.catalogue(db)
            except SQLAlchemyError as exc:
                shown = db.url.render_as_string(hide_password=True)
                raise RuntimeError(
                    f"cannot inspect {shown}: {type(exc).__name__}: {exc.args[0] if exc.args else ''}"
                ) from None

    def catalogue(self, db: Database) -> None:
        ctx = self.context
        writer = ctx.writer
        if not ctx.catalog_targets:
            writer.upsert([_database_element(db)], source=db.source)
        inspector = inspect(self._engine(db.url))
        found = _Catalogue()
        for schema in db.config.schemas or inspector.get_schema_names():
            found.add_schema(inspector, db, schema)
            tables = len(found.tables_by_schema[found.last_schema])
            if tables:
                ctx.report.count("tables", tables)
            ctx.report.count("schemas")
        writer.upsert(found.elements, source=db.source)
        writer.link(found.links, source=db.source)
        writer.delete(_gone(writer, db, found), source=db.source)

    def disconnect(self) -> None:
        for engine in getattr(self, "_engines", {}).values():
            engine.dispose()
        self._engines = {}


def _database_element(db: Database) -> CataloguedElement:
    return CataloguedElement(
        "Database",
        db.qualified_name,
        {
            "displayName": db.url.database or db.qualified_name,
            "deployedImplementationType": db.url.get_backend_name(),
        },
    )


class _Catalogue:
    """What one inspection of a database found: elements, links, tables and columns seen."""

    def __init__(self) -> None:
        self.elements: list[CataloguedElement] = []
        self.links: list[Link] = []
        self.tables_by_schema: dict[str, set[str]] = {}
        self.columns_by_table: dict[str, set[str]] = {}
        self.last_schema = ""

    def add_schema(self, inspector: Inspector, db: Database, schema: str) -> None:
        schema_qn = f"{db.qualified_name}::schema::{schema}"
        self.last_schema = schema_qn
        self.elements.append(
            CataloguedElement(
                "DeployedDatabaseSchema", schema_qn, {"name": schema, "displayName": schema}
            )
        )
        self.links.append(Link("DataContentForDataSet", db.qualified_name, schema_qn))
        kinds = {n: "table" for n in inspector.get_table_names(schema=schema)}
        if db.config.include_views:
            for view in inspector.get_view_names(schema=schema):
                kinds[view] = "view"
        self.tables_by_schema[schema_qn] = set()
        if db.config.table_name_pattern:
            like = _like(db.config.table_name_pattern)
            kinds = {k: v for k, v in kinds.items() if like.fullmatch(k)}
        for table in sorted(kinds):
            self.add_table(inspector, schema, schema_qn, table, kinds[table])

    def add_table(
        self, inspector: Inspector, schema: str, schema_qn: str, table: str, kind: str
    ) -> None:
        table_qn = f"{schema_qn}::table::{table}"
        self.tables_by_schema[schema_qn].add(table_qn)
        self.elements.append(
            CataloguedElement(
                "RelationalTable",
                table_qn,
                {"name": table, "displayName": table, "tableType": kind},
            )
        )
        self.links.append(Link("AttributeForSchema", schema_qn, table_qn))
        constraint = inspector.get_pk_constraint(table, schema=schema) or {}
        pk = set(constraint.get("constrained_columns") or [])
        self.columns_by_table[table_qn] = set()
        for position, column in enumerate(inspector.get_columns(table, schema=schema), start=1):
            column_qn = f"{table_qn}::column::{column['name']}"
            self.columns_by_table[table_qn].add(column_qn)
            props: dict[str, Any] = {
                "name": column["name"],
                "displayName": column["name"],
                "dataType": str(column["type"]),
                "position": position,
                "isNullable": bool(column.get("nullable", True)),
                "isPrimaryKey": column["name"] in pk,
                "defaultValue": _text(column.get("default")),
            }
            self.elements.append(CataloguedElement("RelationalColumn", column_qn, props))
            self.links.append(Link("NestedSchemaAttribute", table_qn, column_qn))


def _gone(writer: MetadataWriter, db: Database, found: _Catalogue) -> list[str]:
    """Tables and columns this connector catalogued before that the database no longer has."""
    gone: list[str] = []
    for schema_qn, tables in found.tables_by_schema.items():
        known = writer.existing("RelationalTable", linked_to=schema_qn, source=db.source)
        for table_qn in sorted(set(known) - tables):
            gone.extend(writer.existing("RelationalColumn", linked_to=table_qn, source=db.source))
            gone.append(table_qn)
    for table_qn, columns in found.columns_by_table.items():
        known = writer.existing("RelationalColumn", linked_to=table_qn, source=db.source)
        gone.extend(sorted(set(known) - columns))
    return gone


def _like(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern as a regular expression."""
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.DOTALL)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class SqlDatabaseCataloguerProvider(ConnectorProvider):
    """Catalogues schemas, tables and columns of a database (SQLite needs no server)."""

    connector_class = SqlDatabaseCataloguer
    configuration_schema = SqlCataloguerConfig
    supported_target_types = ("Database",)
    default_refresh_minutes = 60
    description = "Catalogues schemas, tables and columns of a database via SQLAlchemy"
