"""One-round-trip resolution of integration groups into :class:`ResolvedGroup` views.

``cypher/resolve_group.cypher`` (one group) and ``cypher/resolve_groups.cypher``
(several, for daemon start-up) return a group's whole subgraph in one row: the
registrations with their connectors and catalog targets, and a *flat* list of
every connection reachable from those connectors through ``EMBEDDED_CONNECTION``
to any depth. This module decodes the stored properties
(:func:`engine.graphmap.decode_properties`) and assembles the embedding tree in
Python, where a cycle is easy to see: the repeated connection is emitted once
more with ``cycle=True`` and not expanded again.

Nothing is smoothed over (the validator needs the defects): a connector with no
connection or two, a connection with two connector types or endpoints, an
embedding cycle, a registration without ``connectorName`` all stay visible.

:func:`canonical_json` is the stable serialisation (sorted keys, ISO datetimes,
two-space indent, trailing newline) used for golden files and ``--format json``;
its shape is documented by :func:`json_schema` in ``docs/resolved-group.schema.json``.
"""

from __future__ import annotations

import difflib
import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from engine.errors import NotFoundError
from engine.graphmap import decode_properties
from engine.resolved import (
    DEFAULT_PERMITTED_SYNCHRONIZATION,
    CatalogTargetView,
    ConnectionView,
    ConnectorView,
    ElementView,
    EmbeddedConnectionView,
    RegistrationView,
    ResolvedGroup,
)
from engine.store import Store

RESOLVE_GROUP_QUERY = "resolve_group"
RESOLVE_GROUPS_QUERY = "resolve_groups"
GROUP_LIST_QUERY = "groups"
RESOLVE_COLUMNS = ("group", "connectors", "connections", "elements")
"""The columns of both resolve queries, in RETURN order."""

_IDENTITY = ("guid", "qualifiedName", "typeName", "isProxy")
_REGISTRATION_FIELDS = tuple(
    name for name in RegistrationView.model_fields if name not in ("guid", "properties")
)


# ------------------------------------------------------------------ public API
def resolve_group(store: Store, qualified_name: str) -> ResolvedGroup:
    """The whole subgraph of the integration group ``qualified_name``, in one query.

    Raises :class:`~engine.errors.NotFoundError` (``no integration group 'X'``,
    with the closest existing names as hint) when there is no such group.
    """
    with gc_paused():
        rows = store.read_values(RESOLVE_GROUP_QUERY, {"qualifiedName": qualified_name})
        if rows:
            return group_from_row(dict(zip(RESOLVE_COLUMNS, rows[0], strict=True)))
    raise _not_found(store, [qualified_name])


def resolve_groups(store: Store, qualified_names: Iterable[str]) -> list[ResolvedGroup]:
    """Several groups in one query, in the order asked (duplicates once).

    Raises :class:`~engine.errors.NotFoundError` naming every group that does
    not exist (nothing is returned then: a daemon must not start half its
    configuration silently).
    """
    names = list(dict.fromkeys(qualified_names))
    if not names:
        return []
    with gc_paused():
        rows = store.read_values(RESOLVE_GROUPS_QUERY, {"qualifiedNames": names})
        groups = (group_from_row(dict(zip(RESOLVE_COLUMNS, row, strict=True))) for row in rows)
        found = {group.qualified_name: group for group in groups}
    missing = [name for name in names if name not in found]
    if missing:
        raise _not_found(store, missing)
    return [found[name] for name in names]


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


def canonical_document(group: ResolvedGroup) -> dict[str, Any]:
    """``group`` as plain JSON data (datetimes as ISO 8601 text)."""
    data: dict[str, Any] = group.model_dump(mode="json")
    return data


def canonical_json(group: ResolvedGroup | Sequence[ResolvedGroup]) -> str:
    """Deterministic JSON text: sorted keys, ISO datetimes, indent 2, trailing newline.

    A sequence of groups serialises as a JSON array of group documents.
    """
    if isinstance(group, ResolvedGroup):
        data: Any = canonical_document(group)
    else:
        data = [canonical_document(g) for g in group]
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of one :func:`canonical_json` group document."""
    schema = ResolvedGroup.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://switchboard.invalid/schemas/resolved-group.schema.json"
    schema["$comment"] = (
        "The document 'switchboard resolve GROUP --format json' prints: canonical JSON "
        "(sorted keys, ISO 8601 datetimes, two-space indent). Generated from engine/resolved.py "
        "by engine.resolve.json_schema(); regenerate with 'pytest tests/test_resolve.py "
        "--update-golden'."
    )
    return schema


def json_schema_text() -> str:
    """The text of ``docs/resolved-group.schema.json``."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ assembly
@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block (unless it was off already).

    Unpacking and decoding a group allocates ~10^4 long-lived objects, which triggers
    several collections, each walking every object the process holds: in a process
    holding 30 resolved groups this doubled the CPU time of a resolution and made its
    p99 ten times its median. The objects are not garbage; the collector runs once,
    later, instead. Only a pause: another thread may re-enable collection early.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Views are built with _new (no validation) from values whose types this module
# produced itself (str(...), bool(...), freshly built views); fields copied from
# stored properties go through _typed first, and any value of an unexpected type
# sends that one view through pydantic's validation, which coerces or rejects
# exactly as before. A resolved group holds ~900 views; validating each costs more
# than the query.
_V = TypeVar("_V", bound=BaseModel)
_set_attribute = object.__setattr__


def _new(cls: type[_V], fields: dict[str, Any]) -> _V:
    """``cls`` holding ``fields`` (every field of ``cls``, of its declared type), unvalidated.

    What ``cls.model_construct(**fields)`` does, without its per-field default handling.
    """
    view = cls.__new__(cls)
    _set_attribute(view, "__dict__", fields)
    _set_attribute(view, "__pydantic_fields_set__", set(fields))
    _set_attribute(view, "__pydantic_extra__", None)
    _set_attribute(view, "__pydantic_private__", None)
    return view


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
_REGISTRATION_DEFAULTS = {
    name: RegistrationView.model_fields[name].default for name in _REGISTRATION_FIELDS
}
_EMBEDDED_TYPES: dict[str, tuple[type, ...]] = {
    "displayName": _OPTIONAL_STR,
    "arguments": (dict,),
}


def group_from_row(row: Mapping[str, Any]) -> ResolvedGroup:
    """Decode one row of ``resolve_group``/``resolve_groups`` into a :class:`ResolvedGroup`."""
    with gc_paused():
        ctx = _Context(row)
        built = [ctx.connector(entry) for entry in row["connectors"] or []]
        return _new(ResolvedGroup, {"group": ctx.element_view(row["group"]), "connectors": built})


def element_view(stored: Mapping[str, Any]) -> ElementView:
    """A node's stored properties -> :class:`ElementView`."""
    return _new(ElementView, _element_fields(stored, {}))


TIME_PROPERTIES = frozenset({"createTime", "updateTime"})
"""Temporal properties the resolve queries send as ISO 8601 text (see resolve_group.cypher)."""


def _parse_time(text: str) -> datetime | str:
    value = text.partition("[")[0]  # a named zone ("...+01:00[Europe/Paris]") keeps its offset
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return text


def _decode(stored: Mapping[str, Any], times: dict[str, datetime | str]) -> dict[str, Any]:
    """Stored properties as the resolve queries return them -> Python values.

    ``times`` caches parsed audit times by their text (datetimes are immutable, and
    elements written together share them).
    """
    props = decode_properties(stored)
    for key in TIME_PROPERTIES:
        value = props.get(key)
        if isinstance(value, str):
            parsed = times.get(value)
            if parsed is None:
                parsed = times[value] = _parse_time(value)
            props[key] = parsed
        elif value is None:
            props.pop(key, None)  # absent: the query's map projection adds it as null
    return props


def _element_fields(stored: Mapping[str, Any], times: dict[str, datetime | str]) -> dict[str, Any]:
    props = _decode(stored, times)
    return {
        "guid": str(props.pop("guid", "")),
        "qualifiedName": str(props.pop("qualifiedName", "")),
        "typeName": str(props.pop("typeName", "")),
        "isProxy": bool(props.pop("isProxy", False)),
        "properties": props,
    }


class _Context:
    """The flat lists of one row, indexed by guid, decoded at most once each."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.connections = {str(e["node"]["guid"]): e for e in row["connections"] or []}
        self.elements = {str(e["node"]["guid"]): e for e in row.get("elements") or []}
        self._fields: dict[str, dict[str, Any]] = {}
        self._names: dict[str, list[str]] = {}
        self.times: dict[str, datetime | str] = {}

    def element_view(self, stored: Mapping[str, Any]) -> ElementView:
        return _new(ElementView, _element_fields(stored, self.times))

    def element(self, guid: str) -> ElementView:
        fields = self._fields.get(guid)
        if fields is None:
            fields = self._fields[guid] = _element_fields(self.elements[guid]["node"], self.times)
        # a connector type shared by every connection is decoded once; each view gets
        # its own properties dict
        return _new(ElementView, {**fields, "properties": dict(fields["properties"])})

    def registration(self, stored: Mapping[str, Any]) -> RegistrationView:
        props = _decode(stored, self.times)
        fields: dict[str, Any] = {"guid": str(props.pop("guid", ""))}
        for name, default in _REGISTRATION_DEFAULTS.items():
            fields[name] = props.pop(name, default)
        fields["properties"] = props
        if _typed(fields, _REGISTRATION_TYPES):
            return _new(RegistrationView, fields)
        return RegistrationView(**fields)  # a stored value of another type: coerce or reject

    def connection(
        self, guid: str, path: tuple[str, ...], *, expand: bool = True
    ) -> ConnectionView:
        entry = self.connections[guid]
        types = [self.element(str(t)) for t in entry["connectorTypes"] or []]
        endpoints = [self.element(str(e)) for e in entry["endpoints"] or []]
        embedded: list[EmbeddedConnectionView] = []
        if expand:
            here = (*path, guid)
            for link in entry["embedded"] or []:
                child = str(link["child"])
                cycle = child in here
                rel = _decode(link["relationship"], self.times)
                fields: dict[str, Any] = {
                    "guid": str(rel.get("guid", "")),
                    "position": int(rel.get("position") or 0),
                    "displayName": rel.get("displayName"),
                    "arguments": rel.get("arguments") or {},
                    "connection": self.connection(child, here, expand=not cycle),
                    "cycle": cycle,
                }
                embedded.append(
                    _new(EmbeddedConnectionView, fields)
                    if _typed(fields, _EMBEDDED_TYPES)
                    else EmbeddedConnectionView(**fields)
                )
        fields = _element_fields(entry["node"], self.times)
        fields["connectorType"] = types[0] if types else None
        fields["additionalConnectorTypes"] = types[1:]
        fields["endpoint"] = endpoints[0] if endpoints else None
        fields["additionalEndpoints"] = endpoints[1:]
        fields["embeddedConnections"] = embedded
        fields["assetQualifiedNames"] = [str(a) for a in entry["assets"] or []]
        return _new(ConnectionView, fields)

    def connector(self, entry: Mapping[str, Any]) -> ConnectorView:
        registration = self.registration(entry["registration"])
        connector = self.element_view(entry["connector"])
        linked = [self.connection(str(g), ()) for g in entry["connections"] or []]
        first = linked[0] if linked else None
        base_config = first.configuration_properties if first else {}
        inherited = registration.permittedSynchronization or DEFAULT_PERMITTED_SYNCHRONIZATION
        targets: list[CatalogTargetView] = []
        for target in entry["catalogTargets"] or []:
            rel = _decode(target["relationship"], self.times)
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
                _new(CatalogTargetView, fields)
                if type(synchronization) is str
                else CatalogTargetView(**fields)
            )
        return _new(
            ConnectorView,
            {
                "registration": registration,
                "connector": connector,
                "usesBlockingCalls": bool(connector.properties.get("usesBlockingCalls", False)),
                "connection": first,
                "additionalConnections": linked[1:],
                "catalogTargets": targets,
            },
        )


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
