"""Exporting stored integration groups as a manifest document (deterministic order)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import yaml
from neo4j import ManagedTransaction
from pydantic import BaseModel

from engine.declare.manifest.desired import egeria_name
from engine.declare.manifest.format import API_VERSION
from engine.errors import NotFoundError
from engine.graph.graphmap import decode_properties
from engine.graph.reader import read_elements_tx, read_outgoing_tx
from engine.graph.store import Store
from engine.model import (
    Element,
    Referenceable,
    element_from_properties,
    relationship_from_properties,
)
from engine.typesystem import (
    ASSET_CONNECTION,
    CATALOG_TARGET,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
)

Rows = Mapping[str, Sequence[Mapping[str, Any]]]
"""qualifiedName -> the outgoing relationship rows of that element."""


def _clean(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _element_doc(model: Referenceable) -> dict[str, Any]:
    data = _clean(model)
    if isinstance(model, Element):
        data["typeName"] = model.typeName
    return data


def export_manifest(store: Store, groups: Sequence[str]) -> dict[str, Any]:
    """The manifest document declaring ``groups`` as stored (deterministic order).

    Connector types, endpoints and catalog-target elements are listed once at
    the top and referenced by qualifiedName; a connection is inline under the
    connector (or embedding connection) that uses it, or listed at the top when
    used more than once. Raises :class:`NotFoundError` for an unknown group.
    """

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        names = list(dict.fromkeys(groups))
        elements, rels = _read_groups(store, tx, names)
        return _ExportBuilder(elements, rels).document(names)

    return store.read_tx("export", work)


def manifest_from_rows(
    elements: Mapping[str, Mapping[str, Any]],
    rels: Mapping[str, list[dict[str, Any]]],
    groups: Sequence[str],
) -> dict[str, Any]:
    """The manifest document declaring ``groups`` from rows shaped as :func:`_read_groups`
    returns them (elements by qualifiedName; outgoing relationships by end 1), e.g. a
    group's recorded states at an earlier time (engine.history)."""
    return _ExportBuilder(elements, dict(rels)).document(list(dict.fromkeys(groups)))


def _read_groups(
    store: Store, tx: ManagedTransaction, names: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The groups' elements (qualifiedName -> row) and outgoing relationships, sorted."""
    found = read_elements_tx(store, tx, names, timestamps=False)
    missing = [n for n in names if n not in found or found[n]["typeName"] != "IntegrationGroup"]
    if missing:
        raise NotFoundError(
            f"no integration group {', '.join(repr(m) for m in missing)}",
            hint="list groups with 'switchboard groups' or check the qualifiedName",
        )
    rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    elements: dict[str, dict[str, Any]] = dict(found)
    frontier = names
    seen: set[str] = set(names)
    while frontier:
        out = read_outgoing_tx(store, tx, frontier, timestamps=False)
        nxt: list[str] = []
        for row in out:
            rels[row["from"]].append(row)
            follow = row["type"] in (
                REGISTERED_INTEGRATION_CONNECTOR,
                ASSET_CONNECTION,
                CONNECTION_CONNECTOR_TYPE,
                CONNECT_TO_ENDPOINT,
                EMBEDDED_CONNECTION,
                CATALOG_TARGET,
            )
            if follow and row["to"] not in seen:
                seen.add(row["to"])
                nxt.append(row["to"])
        elements.update(read_elements_tx(store, tx, nxt, timestamps=False))
        # Catalog-target elements and connector types/endpoints are leaves.
        frontier = [
            qn
            for qn in nxt
            if elements.get(qn, {}).get("typeName")
            in ("IntegrationConnector", "Connection", "VirtualConnection")
        ]
    for rows in rels.values():
        rows.sort(key=lambda r: (r["type"], r["to"], str(r["props"].get("catalogTargetName", ""))))
    return elements, rels


class _ExportBuilder:
    """Builds the document from the rows read; collects what goes to the top level."""

    def __init__(self, elements: Mapping[str, Mapping[str, Any]], rels: Rows) -> None:
        self.elements = elements
        self.rels = rels
        self.uses: dict[str, int] = defaultdict(int)
        for rows in rels.values():
            for row in rows:
                if row["type"] in (ASSET_CONNECTION, EMBEDDED_CONNECTION):
                    self.uses[row["to"]] += 1
        self.top_types: set[str] = set()
        self.top_endpoints: set[str] = set()
        self.top_elements: set[str] = set()
        self.top_connections: set[str] = set()
        self.declared_connectors: set[str] = set()

    def model(self, qn: str) -> Referenceable:
        row = self.elements[qn]
        props = decode_properties(row["props"])
        return element_from_properties(row["typeName"] or "Referenceable", props)

    def element_doc(self, qn: str) -> dict[str, Any]:
        return _element_doc(self.model(qn))

    def document(self, names: Sequence[str]) -> dict[str, Any]:
        groups_out = [self.group_doc(gqn) for gqn in sorted(names)]
        conn_docs = self.top_connection_docs()
        doc: dict[str, Any] = {"apiVersion": API_VERSION}
        if self.top_types:
            doc["connectorTypes"] = [self.element_doc(q) for q in sorted(self.top_types)]
        if self.top_endpoints:
            doc["endpoints"] = [self.element_doc(q) for q in sorted(self.top_endpoints)]
        if conn_docs:
            doc["connections"] = [conn_docs[q] for q in sorted(conn_docs)]
        declared_elsewhere = set(names) | self.top_connections
        leaves = sorted(q for q in self.top_elements if q not in declared_elsewhere)
        if leaves:
            doc["elements"] = [self.element_doc(q) for q in leaves if q in self.elements]
        doc["integrationGroups"] = groups_out
        return doc

    def top_connection_docs(self) -> dict[str, dict[str, Any]]:
        """Top-level connections, which may themselves reference further top-level items."""
        conn_docs: dict[str, dict[str, Any]] = {}
        pending = sorted(self.top_connections)
        while pending:
            qn = pending.pop()
            if qn not in conn_docs:
                conn_docs[qn] = self.connection_doc(qn, (qn,))
                pending.extend(sorted(self.top_connections - set(conn_docs)))
        return conn_docs

    def group_doc(self, gqn: str) -> dict[str, Any]:
        gdoc = self.element_doc(gqn)
        connectors: list[dict[str, Any]] = []
        for reg in self.rels.get(gqn, ()):
            if reg["type"] != REGISTERED_INTEGRATION_CONNECTOR:
                continue
            cqn = reg["to"]
            if cqn in self.declared_connectors:
                connectors.append({"connector": cqn, "registration": _rel_doc(reg)})
                continue
            self.declared_connectors.add(cqn)
            connectors.append(self.connector_doc(cqn, reg))
        connectors.sort(key=lambda c: str(c.get("qualifiedName") or c.get("connector")))
        if connectors:
            gdoc["connectors"] = connectors
        return gdoc

    def connector_doc(self, cqn: str, registration: Mapping[str, Any]) -> dict[str, Any]:
        cdoc = self.element_doc(cqn)
        cdoc["registration"] = _rel_doc(registration)
        targets: list[dict[str, Any]] = []
        for row in self.rels.get(cqn, ()):
            if row["type"] == ASSET_CONNECTION:
                cdoc["connection"] = self.connection_ref(row["to"], ())
            elif row["type"] == CATALOG_TARGET:
                tdoc = _rel_doc(row)
                tdoc["element"] = row["to"]
                self.top_elements.add(row["to"])
                targets.append(tdoc)
        if targets:
            targets.sort(key=lambda t: (t["element"], t.get("catalogTargetName", "")))
            cdoc["catalogTargets"] = targets
        return cdoc

    def connection_doc(self, qn: str, stack: tuple[str, ...]) -> dict[str, Any]:
        doc = {"typeName": self.elements[qn]["typeName"], **self.element_doc(qn)}
        if doc["typeName"] == "Connection":
            del doc["typeName"]
        embedded: list[dict[str, Any]] = []
        for row in self.rels.get(qn, ()):
            if row["type"] == CONNECTION_CONNECTOR_TYPE:
                self.top_types.add(row["to"])
                doc["connectorType"] = row["to"]
            elif row["type"] == CONNECT_TO_ENDPOINT:
                self.top_endpoints.add(row["to"])
                doc["endpoint"] = row["to"]
            elif row["type"] == EMBEDDED_CONNECTION:
                item = _rel_doc(row)
                item["connection"] = self.connection_ref(row["to"], (*stack, qn))
                embedded.append(item)
        if embedded:
            embedded.sort(key=lambda e: (e.get("position", 0), _ref_name(e["connection"])))
            doc["embeddedConnections"] = embedded
        return doc

    def connection_ref(self, qn: str, stack: tuple[str, ...]) -> str | dict[str, Any]:
        if self.uses[qn] > 1 or qn in stack:
            self.top_connections.add(qn)
            return qn
        return self.connection_doc(qn, stack)


def _rel_doc(row: Mapping[str, Any]) -> dict[str, Any]:
    rel = relationship_from_properties(egeria_name(row["type"]), decode_properties(row["props"]))
    return _clean(rel)


def _ref_name(value: str | Mapping[str, Any]) -> str:
    return value if isinstance(value, str) else str(value.get("qualifiedName", ""))


def dump_document(doc: Mapping[str, Any], fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Serialise an exported document (stable: same input, same text)."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        dict(doc), Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, width=100
    )


_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


class _ExportDumper(yaml.SafeDumper):
    """SafeDumper that double-quotes strings holding Unicode line breaks: with
    ``allow_unicode`` PyYAML writes a NEL raw inside single quotes, and reading the file
    back folds it into a space."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(c in data for c in _LINE_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return yaml.SafeDumper.represent_str(dumper, data)


_ExportDumper.add_representer(str, _represent_str)
