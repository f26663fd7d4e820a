"""One-round-trip resolution of integration groups into :class:`ResolvedGroup` views.

``cypher/resolve_groups.cypher`` (several groups, for daemon start-up) returns
each group's whole subgraph in one row: the registrations with their connectors
and catalog targets, the connector types, endpoints and target elements once
each, and a *flat* list of every connection reachable from those connectors
through ``EMBEDDED_CONNECTION`` to any depth. ``cypher/resolve_group.cypher``
(one group) returns the same in one query and one round trip, but as a few rows,
one per part (group, elements, connections, then connectors 20 at a time):
:func:`group_from_parts` decodes each part as the driver receives it, so that the
client decodes while the server still builds the later parts. This module decodes
the stored properties (as :func:`engine.graph.graphmap.decode_properties` does) and
assembles the embedding tree in Python, where a cycle is easy to see: the
repeated connection is emitted once more with ``cycle=True`` and not expanded
again.

Nothing is smoothed over (the validator needs the defects): a connector with no
connection or two, a connection with two connector types or endpoints, an
embedding cycle, a registration without ``connectorName`` all stay visible.

The stable serialisation used for golden files and ``--format json``,
:func:`~engine.graph.document.canonical_json`, lives in :mod:`engine.graph.document`
(re-exported here); its shape is documented by :func:`json_schema` in
``docs/resolved-group.schema.json``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import NotFoundError
from engine.gcpause import gc_paused
from engine.graph.document import REGISTRATION_DEFAULTS, PlainGroup
from engine.graph.document import (  # re-exported: they lived here first
    canonical_document as canonical_document,
)
from engine.graph.document import (
    canonical_json as canonical_json,
)
from engine.graph.graphmap import (
    FLAT_SEPARATOR,
    MAP_LIST_PROPERTY,
    MAP_PROPERTIES,
    PLAIN_TYPES,
    decode_properties,
    parse_json_text,
    to_python,
)
from engine.graph.store import Store
from engine.typesystem import DEFAULT_PERMITTED_SYNCHRONIZATION

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

    from engine.resolved import ElementView, ResolvedGroup

RESOLVE_GROUP_QUERY = "resolve_group"
RESOLVE_GROUPS_QUERY = "resolve_groups"
FINGERPRINT_QUERY = "group_fingerprint"
GROUP_LIST_QUERY = "groups"
RESOLVE_COLUMNS = ("group", "connectors", "connections", "elements")
"""The columns of ``resolve_groups`` (one row per group), in RETURN order."""
RESOLVE_PARTS = ("group", "elements", "connections", "connectors")
"""The parts ``resolve_group`` streams (rows of ``part, start, items``), in the order sent."""

_IDENTITY = ("guid", "qualifiedName", "typeName", "isProxy")


# ------------------------------------------------------------------ public API
def resolve_group(store: Store, qualified_name: str) -> ResolvedGroup:
    """The whole subgraph of the integration group ``qualified_name``, in one query.

    Raises :class:`~engine.errors.NotFoundError` (``no integration group 'X'``,
    with the closest existing names as hint) when there is no such group.
    """
    from engine.resolved import views_from_plain

    with gc_paused():
        return views_from_plain(resolve_group_plain(store, qualified_name))


def resolve_group_plain(store: Store, qualified_name: str) -> PlainGroup:
    """What :func:`resolve_group` returns, as plain data (:data:`PlainGroup`), without
    loading pydantic: for printing a group (:func:`canonical_json` takes either)."""
    with gc_paused():
        group = store.read_stream(
            RESOLVE_GROUP_QUERY, _plain_from_parts, {"qualifiedName": qualified_name}
        )
    if group is None:
        raise _not_found(store, [qualified_name])
    return group


def resolve_groups(store: Store, qualified_names: Iterable[str]) -> list[ResolvedGroup]:
    """Several groups in one query, in the order asked (duplicates once).

    Raises :class:`~engine.errors.NotFoundError` naming every group that does
    not exist (nothing is returned then: a daemon must not start half its
    configuration silently).
    """
    from engine.resolved import views_from_plain

    with gc_paused():
        return [views_from_plain(g) for g in resolve_groups_plain(store, qualified_names)]


def resolve_groups_plain(store: Store, qualified_names: Iterable[str]) -> list[PlainGroup]:
    """What :func:`resolve_groups` returns, as plain data, without loading pydantic (for
    validating groups: ``engine.validate.validate_groups`` takes either)."""
    names = list(dict.fromkeys(qualified_names))
    if not names:
        return []
    found = _groups_by_name(store, names)
    missing = [name for name in names if name not in found]
    if missing:
        raise _not_found(store, missing)
    return [found[name] for name in names]


def resolve_existing_groups(store: Store, qualified_names: Iterable[str]) -> list[ResolvedGroup]:
    """Those of the groups asked that exist, in the order asked (duplicates once), in one
    query; unlike :func:`resolve_groups` a missing group is left out, not an error (a
    running daemon follows a group that was deleted)."""
    from engine.resolved import views_from_plain

    names = list(dict.fromkeys(qualified_names))
    if not names:
        return []
    with gc_paused():
        found = _groups_by_name(store, names)
        return [views_from_plain(found[name]) for name in names if name in found]


def _groups_by_name(store: Store, names: Sequence[str]) -> dict[str, PlainGroup]:
    """The groups of ``names`` that exist, by qualified name, as plain data, from one
    ``resolve_groups`` query."""
    with gc_paused():
        rows = store.read_values(RESOLVE_GROUPS_QUERY, {"qualifiedNames": names})
        groups = (_plain_from_row(dict(zip(RESOLVE_COLUMNS, row, strict=True))) for row in rows)
        return {group["group"]["qualifiedName"]: group for group in groups}


def resolve_groups_tx(
    store: Store, tx: ManagedTransaction, qualified_names: Iterable[str]
) -> list[ResolvedGroup]:
    """Those of the groups asked that exist, as transaction ``tx`` sees them (its own
    uncommitted writes included), in one query, in qualified-name order; a missing group
    is left out (a manifest apply validates what it is about to commit)."""
    names = list(dict.fromkeys(qualified_names))
    if not names:
        return []
    rows = store.run(tx, RESOLVE_GROUPS_QUERY, {"qualifiedNames": names})
    return [group_from_row(row) for row in rows]


def group_fingerprints(store: Store, qualified_names: Sequence[str]) -> dict[str, str]:
    """Per group found, a SHA-256 of its row of ``group_fingerprint.cypher``.

    That query is the one-query resolution without the audit times: it sees exactly
    what resolution sees (group, registrations, connectors, connections and embedded
    connections, connector types, endpoints, catalog targets and their elements) and
    nothing that connectors write, whoever changed it and however (a plain Cypher
    ``SET`` bumps no version, so the properties themselves are hashed). Rows are
    hashed as the driver returns them (``repr`` of plain values, key order included):
    equal data gives equal text, and an order that differed would cost one needless
    reload, never a missed change.
    """
    with gc_paused():
        rows = store.read_values(FINGERPRINT_QUERY, {"qualifiedNames": list(qualified_names)})
        return {
            str(row[0]["qualifiedName"]): hashlib.sha256(repr(row).encode()).hexdigest()
            for row in rows
        }


def group_names(store: Store) -> list[str]:
    """qualifiedNames of every integration group, sorted."""
    return sorted(str(row["qualifiedName"]) for row in store.read(GROUP_LIST_QUERY))


def closest_names(name: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """The candidates that look most like ``name``, best first.

    Operators often type only the last part of a qualifiedName (``mixed`` for
    ``Switchboard:IntegrationGroup:mixed``) or get its case wrong, so
    candidates that contain the name (ignoring case) come first, then those
    whose last ``:``-separated part is close to a part of the name, then whole-name
    matches (difflib ratio >= 0.4).
    """
    wanted = name.casefold()

    def tail(qualified_name: str) -> str:
        return qualified_name.rsplit(":", 1)[-1].casefold()

    found = [c for c in candidates if wanted and wanted in c.casefold()]
    tails: dict[str, list[str]] = {}
    for candidate in candidates:
        tails.setdefault(tail(candidate), []).append(candidate)
    for part in reversed(wanted.split(":")):
        for close in difflib.get_close_matches(part, list(tails), n=n, cutoff=0.6):
            found.extend(tails[close])
    found.extend(difflib.get_close_matches(name, candidates, n=n, cutoff=0.4))
    return list(dict.fromkeys(found))[:n]


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of one :func:`canonical_json` group document."""
    from engine.resolved import ResolvedGroup

    schema = ResolvedGroup.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://switchboard.invalid/schemas/resolved-group.schema.json"
    schema["$comment"] = (
        "The document 'switchboard resolve GROUP --format json' prints: canonical JSON "
        "(sorted keys, ISO 8601 datetimes, two-space indent). Generated from engine/resolved.py "
        "by engine.graph.resolve.json_schema(); regenerate with 'pytest tests/graph/test_resolve.py "
        "--update-golden'."
    )
    return schema


def json_schema_text() -> str:
    """The text of ``docs/resolved-group.schema.json``."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ assembly
# Groups are decoded into plain dicts (engine.resolved wraps them into views without
# validation). Fields copied from stored properties go through _typed first, and a value
# of an unexpected type sends that one part through pydantic's validation
# (engine.resolved.coerced_fields), which coerces or rejects exactly as the views do.


def _typed(fields: Mapping[str, Any], types: Mapping[str, tuple[type, ...]]) -> bool:
    """Whether every value of ``fields`` named in ``types`` has exactly such a type."""
    return all(type(fields[name]) in allowed for name, allowed in types.items())


_OPTIONAL_STR = (str, type(None))
_REGISTRATION_TYPES: dict[str, tuple[type, ...]] = {
    "connectorName": _OPTIONAL_STR,
    "connectorUserId": _OPTIONAL_STR,
    "metadataSourceQualifiedName": _OPTIONAL_STR,
    "metadataCollectionQualifiedName": _OPTIONAL_STR,
    "startDate": (datetime, type(None)),
    "connectorShutdownDate": (datetime, type(None)),
    "refreshTimeInterval": (int, type(None)),
    "generateConnectorActivityReports": (bool,),
    "permittedSynchronization": _OPTIONAL_STR,
}
_EMBEDDED_TYPES: dict[str, tuple[type, ...]] = {
    "displayName": _OPTIONAL_STR,
    "arguments": (dict,),
}


def group_from_row(row: Mapping[str, Any]) -> ResolvedGroup:
    """Decode one row of ``resolve_groups`` (columns :data:`RESOLVE_COLUMNS`) into a
    :class:`ResolvedGroup`."""
    from engine.resolved import views_from_plain

    with gc_paused():  # the row's decoding state is freed before GC resumes
        return views_from_plain(_plain_from_row(row))


def _plain_from_row(row: Mapping[str, Any]) -> PlainGroup:
    ctx = _Context()
    ctx.add_elements(row.get("elements") or [])
    ctx.add_connections(row["connections"] or [])
    built = [ctx.connector(entry) for entry in row["connectors"] or []]
    return {"group": ctx.element_view(row["group"]), "connectors": built}


def group_from_parts(rows: Iterable[Sequence[Any]]) -> ResolvedGroup | None:
    """Decode the rows of ``resolve_group`` (``part, start, items``, see
    :data:`RESOLVE_PARTS`) into a :class:`ResolvedGroup`; None when there is none (no
    such group).

    ``rows`` may be the driver's stream: each part is decoded as it arrives, connectors
    as soon as the elements and connections they refer to are in (the query sends those
    first), so that decoding overlaps with the server producing the later parts. Parts
    in another order are decoded at the end, with the same result.
    """
    from engine.resolved import views_from_plain

    with gc_paused():
        plain = _plain_from_parts(rows)
        return views_from_plain(plain) if plain is not None else None


def _plain_from_parts(rows: Iterable[Sequence[Any]]) -> PlainGroup | None:
    ctx = _Context()
    group: dict[str, Any] | None = None
    seen: set[str] = set()
    chunks: list[tuple[int, list[dict[str, Any]]]] = []
    waiting: list[tuple[int, list[Any]]] = []
    for part, start, items in rows:
        if part == "connectors":
            if "elements" in seen and "connections" in seen:
                chunks.append((start, [ctx.connector(entry) for entry in items or []]))
            else:
                waiting.append((start, items or []))
            continue
        seen.add(part)
        if part == "group":
            group = ctx.element_view(items[0])
        elif part == "elements":
            ctx.add_elements(items or [])
        elif part == "connections":
            ctx.add_connections(items or [])
        else:
            raise ValueError(f"resolve_group sent an unknown part {part!r}")
    if group is None:
        return None
    chunks.extend((start, [ctx.connector(entry) for entry in items]) for start, items in waiting)
    chunks.sort(key=lambda chunk: chunk[0])
    built = [view for _, views in chunks for view in views]
    return {"group": group, "connectors": built}


def element_view(stored: Mapping[str, Any]) -> ElementView:
    """A node's stored properties -> :class:`ElementView`."""
    from engine.resolved import ElementView

    return ElementView.model_construct(**_element_fields(stored, {}))


TIME_PROPERTIES = frozenset({"createTime", "updateTime"})
"""Temporal properties the resolve queries send as ISO 8601 text (see resolve_group.cypher)."""
_TIME_KEYS = tuple(sorted(TIME_PROPERTIES))


def _parse_time(text: str) -> datetime | str:
    value = text.partition("[")[0]  # a named zone ("...+01:00[Europe/Paris]") keeps its offset
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return text


_Plan = tuple[tuple[str, ...], tuple[str, ...]]
_PLANS: dict[tuple[str, ...], _Plan | None] = {}
_MAX_PLANS = 4096
_UNPLANNED: _Plan | None = ((), ())


def _plan(keys: tuple[str, ...]) -> _Plan | None:
    """What :func:`~engine.graph.graphmap.decode_properties` does to a map with these keys:
    the flattened ``<map>.<key>`` keys it drops and the map texts it parses (None: a map
    naming its own map properties, left to decode_properties)."""
    if MAP_LIST_PROPERTY in keys:
        return None
    drop: list[str] = []
    maps: list[str] = []
    for name in keys:
        if FLAT_SEPARATOR in name:
            if name.partition(FLAT_SEPARATOR)[0] in MAP_PROPERTIES:
                drop.append(name)
        elif name in MAP_PROPERTIES:
            maps.append(name)
    return tuple(drop), tuple(maps)


def decode_resolved_properties(
    stored: Mapping[str, Any], times: dict[str, datetime | str]
) -> dict[str, Any]:
    """Stored properties as the resolve queries return them -> Python values.

    Exactly :func:`~engine.graph.graphmap.decode_properties` (a property test checks), done
    with C-level dict operations: the elements of a group share a few key sets, so what
    to drop and what to parse is worked out once per key set (the *plan*), and a copy
    of the map minus the dropped keys replaces a Python loop over every property.

    ``times`` caches parsed audit times by their text (datetimes are immutable, and
    elements written together share them).
    """
    keys = tuple(stored)
    plan = _PLANS.get(keys, _UNPLANNED)
    if plan is _UNPLANNED:
        plan = _plan(keys)
        if len(_PLANS) < _MAX_PLANS:
            _PLANS[keys] = plan
    if plan is None:
        props = decode_properties(stored)
    else:
        drop, maps = plan
        props = dict(stored)
        for name in drop:
            del props[name]
        if not PLAIN_TYPES.issuperset(map(type, props.values())):  # driver temporal values, lists
            props = {k: to_python(v) for k, v in props.items()}
        for name in maps:
            value = props[name]
            if isinstance(value, str):
                try:
                    parsed_map = parse_json_text(value)
                except ValueError:
                    continue  # not JSON: kept as the text it is, like decode_properties
                props[name] = parsed_map
    cached = times.get
    for key in _TIME_KEYS:
        value = props.get(key)
        if value is None:
            props.pop(key, None)  # absent: the query's map projection adds it as null
        elif isinstance(value, str):
            parsed = cached(value)
            if parsed is None:
                parsed = times[value] = _parse_time(value)
            props[key] = parsed
    return props


def _element_fields(stored: Mapping[str, Any], times: dict[str, datetime | str]) -> dict[str, Any]:
    props = decode_resolved_properties(stored, times)
    pop = props.pop
    return {
        "guid": str(pop("guid", "")),
        "qualifiedName": str(pop("qualifiedName", "")),
        "typeName": str(pop("typeName", "")),
        "isProxy": bool(pop("isProxy", False)),
        "properties": props,
    }


class _Context:
    """The flat parts of a resolution (elements, connections), indexed by guid, each
    decoded at most once."""

    def __init__(self) -> None:
        self.connections: dict[str, Mapping[str, Any]] = {}
        self.elements: dict[str, Mapping[str, Any]] = {}
        self._fields: dict[str, dict[str, Any]] = {}
        self._connection_fields: dict[str, dict[str, Any]] = {}
        self._names: dict[str, list[str]] = {}
        self.times: dict[str, datetime | str] = {}

    def add_elements(self, entries: Iterable[Mapping[str, Any]]) -> None:
        self._index(entries, self.elements, self._fields)

    def add_connections(self, entries: Iterable[Mapping[str, Any]]) -> None:
        self._index(entries, self.connections, self._connection_fields)

    def _index(
        self,
        entries: Iterable[Mapping[str, Any]],
        by_guid: dict[str, Mapping[str, Any]],
        fields_by_guid: dict[str, dict[str, Any]],
    ) -> None:
        """Keep each entry (and its node's decoded fields) under the node's guid."""
        times = self.times
        for entry in entries:
            node = entry["node"]
            guid = str(node["guid"])
            by_guid[guid] = entry
            fields_by_guid[guid] = _element_fields(node, times)

    def element_view(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        return _element_fields(stored, self.times)

    def element(self, guid: str) -> dict[str, Any]:
        fields = self._fields.get(guid)
        if fields is None:
            fields = self._fields[guid] = _element_fields(self.elements[guid]["node"], self.times)
        # a connector type shared by every connection is decoded once; each view gets
        # its own properties dict
        return {**fields, "properties": dict(fields["properties"])}

    def registration(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        props = decode_resolved_properties(stored, self.times)
        fields: dict[str, Any] = {"guid": str(props.pop("guid", ""))}
        for name, default in REGISTRATION_DEFAULTS.items():
            fields[name] = props.pop(name, default)
        fields["properties"] = props
        if _typed(fields, _REGISTRATION_TYPES):
            return fields
        return _coerced("registration", fields)  # a stored value of another type

    def connection(
        self, guid: str, path: tuple[str, ...], *, expand: bool = True
    ) -> dict[str, Any]:
        entry = self.connections[guid]
        types = [self.element(str(t)) for t in entry["connectorTypes"] or []]
        endpoints = [self.element(str(e)) for e in entry["endpoints"] or []]
        embedded: list[dict[str, Any]] = []
        if expand:
            here = (*path, guid)
            for link in entry["embedded"] or []:
                child = str(link["child"])
                cycle = child in here
                rel = decode_resolved_properties(link["relationship"], self.times)
                fields: dict[str, Any] = {
                    "guid": str(rel.get("guid", "")),
                    "position": int(rel.get("position") or 0),
                    "displayName": rel.get("displayName"),
                    "arguments": rel.get("arguments") or {},
                    "connection": self.connection(child, here, expand=not cycle),
                    "cycle": cycle,
                }
                embedded.append(
                    fields
                    if _typed(fields, _EMBEDDED_TYPES)
                    else _coerced("embedded", fields, ("connection",))
                )
        # decoded when the connection arrived; taken by its first view (a connection
        # embedded twice is decoded again for its second view)
        decoded = self._connection_fields.pop(guid, None)
        fields = decoded if decoded is not None else _element_fields(entry["node"], self.times)
        fields["connectorType"] = types[0] if types else None
        fields["additionalConnectorTypes"] = types[1:]
        fields["endpoint"] = endpoints[0] if endpoints else None
        fields["additionalEndpoints"] = endpoints[1:]
        fields["embeddedConnections"] = embedded
        fields["assetQualifiedNames"] = [str(a) for a in entry["assets"] or []]
        return fields

    def connector(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        registration = self.registration(entry["registration"])
        connector = self.element_view(entry["connector"])
        linked = [self.connection(str(g), ()) for g in entry["connections"] or []]
        first = linked[0] if linked else None
        base_config = _configuration_properties(first) if first else {}
        inherited = registration["permittedSynchronization"] or DEFAULT_PERMITTED_SYNCHRONIZATION
        targets: list[dict[str, Any]] = []
        for target in entry["catalogTargets"] or []:
            rel = decode_resolved_properties(target["relationship"], self.times)
            element_guid = str(target["element"])
            overrides = rel.get("configurationProperties")
            effective = dict(base_config)
            if isinstance(overrides, Mapping):
                effective.update(overrides)
            names = self._names.get(element_guid)
            if names is None:
                names = self._names[element_guid] = [
                    str(n) for n in self.elements[element_guid]["connectionNames"] or []
                ]
            synchronization = rel.get("permittedSynchronization") or inherited
            fields: dict[str, Any] = {
                "relationship": rel,
                "element": self.element(element_guid),
                "elementConnectionNames": list(names),
                "effectiveConfiguration": effective,
                "effectivePermittedSynchronization": synchronization,
            }
            targets.append(
                fields
                if type(synchronization) is str
                else _coerced("catalogTarget", fields, ("element",))
            )
        return {
            "registration": registration,
            "connector": connector,
            "usesBlockingCalls": bool(connector["properties"].get("usesBlockingCalls", False)),
            "connection": first,
            "additionalConnections": linked[1:],
            "catalogTargets": targets,
        }


def _configuration_properties(connection: Mapping[str, Any]) -> dict[str, Any]:
    """A plain connection's configurationProperties (``ConnectionView.configuration_properties``)."""
    value = connection["properties"].get("configurationProperties") or {}
    return dict(value) if isinstance(value, dict) else {}


def _coerced(kind: str, fields: dict[str, Any], nested: tuple[str, ...] = ()) -> dict[str, Any]:
    from engine.resolved import coerced_fields

    return coerced_fields(kind, fields, nested)


def _not_found(store: Store, missing: Sequence[str]) -> NotFoundError:
    existing = group_names(store)
    suggestions: list[str] = []
    for name in missing:
        suggestions.extend(s for s in closest_names(name, existing) if s not in suggestions)
    quoted = ", ".join(f"'{name}'" for name in missing)
    message = (
        f"no integration group {quoted}" if len(missing) == 1 else f"no integration groups {quoted}"
    )
    if suggestions:
        hint = "closest existing names: " + ", ".join(suggestions)
    elif existing:
        hint = "list the existing groups with 'switchboard groups list'"
    else:
        hint = "the graph holds no integration group yet"
    return NotFoundError(message, hint=hint)
