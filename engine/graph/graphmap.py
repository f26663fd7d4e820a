"""How element and relationship properties are stored in Neo4j, and read back.

Neo4j properties cannot hold maps, yet the model has several
(``additionalProperties``, ``configurationProperties``, ``securedProperties``,
``arguments``, ``templates``, ...). Each map is stored twice:

* under its own name as canonical JSON text (sorted keys), the source of truth
  that :func:`decode_properties` reads back, and
* flattened, one property per key named ``<map>.<key>`` for every key whose
  value is a string, number or boolean, so analysts can write
  ``WHERE c.`configurationProperties.directory` = '/data'``.

Names of map properties outside :data:`MAP_PROPERTIES` (say, on an imported
catalog-target element) are listed in the node's ``mapProperties`` property.
Every node also carries ``typeName``, its most specific type, so queries need
not reason over labels. Lists of primitives are stored natively; datetimes as
native ``DATETIME`` values; ``None`` values are not stored at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

MAP_PROPERTIES: frozenset[str] = frozenset(
    {
        "additionalProperties",
        "configurationProperties",
        "securedProperties",
        "arguments",
        "templates",
        "extendedProperties",
        "vendorProperties",
        "classifications",
        "proxyProperties",
    }
)
"""Property names that always hold a map (or, for ``classifications``, JSON)."""

MAP_LIST_PROPERTY = "mapProperties"
FLAT_SEPARATOR = "."

AUDIT_PROPERTIES: tuple[str, ...] = (
    "version",
    "createTime",
    "updateTime",
    "createdBy",
    "updatedBy",
)


def now() -> datetime:
    """The timestamp written to ``createTime``/``updateTime`` (UTC, aware)."""
    return datetime.now(UTC)


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""What ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` uses,
built once (json.dumps builds an encoder per call with these options)."""


def _canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


def encode_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Model properties -> the property map written to a node or relationship.

    Maps become JSON text plus flattened keys; ``None`` values are dropped;
    any other value must already be something Neo4j stores (str, int, float,
    bool, datetime, or a homogeneous list of those).
    """
    out: dict[str, Any] = {}
    extra_maps: list[str] = []
    for name, value in properties.items():
        if value is None:
            continue
        if name in MAP_PROPERTIES or isinstance(value, Mapping):
            out[name] = _canonical_json(value)
            if isinstance(value, Mapping):
                if name not in MAP_PROPERTIES:
                    extra_maps.append(name)
                for key, item in value.items():
                    # the JSON text keeps every entry; flattened are those Neo4j can hold
                    if _flattenable(key, item):
                        out[f"{name}{FLAT_SEPARATOR}{key}"] = item
            continue
        out[name] = value
    if extra_maps:
        out[MAP_LIST_PROPERTY] = sorted(extra_maps)
    return out


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _flattenable(key: object, item: object) -> bool:
    if not isinstance(key, str) or "\x00" in key:
        return False
    if isinstance(item, int) and not isinstance(item, bool):
        return INT64_MIN <= item <= INT64_MAX
    return isinstance(item, str | float | bool)


def storable_problem(name: str, value: Any) -> str | None:
    """Why Neo4j cannot store ``value`` as the property ``name`` (None when it can).

    Property names must be non-empty without NUL characters; values must be strings,
    booleans, 64-bit integers, floats, datetimes or lists of one of those kinds.
    """
    if not name or "\x00" in name:
        return f"property name {name!r} is empty or contains a NUL character"
    items = value if isinstance(value, list) else [value]
    kinds: set[type] = set()
    for item in items:
        if isinstance(item, bool):
            kinds.add(bool)
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                return f"property {name!r}: integer {item} does not fit in 64 bits"
            kinds.add(int)
        elif isinstance(item, str | float | datetime):
            kinds.add(type(item))
        else:
            what = "a list holding " if isinstance(value, list) else ""
            return (
                f"property {name!r}: {what}{type(item).__name__} values cannot be stored "
                "(use strings, numbers, booleans or lists of one of those)"
            )
    if len(kinds) > 1:
        return f"property {name!r}: a list mixing {', '.join(sorted(k.__name__ for k in kinds))}"
    return None


def decode_properties(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`encode_properties`: drop flattened keys, parse maps."""
    extra = stored.get(MAP_LIST_PROPERTY)
    maps = MAP_PROPERTIES.union(extra) if extra else MAP_PROPERTIES
    out: dict[str, Any] = {}
    # hot path of group resolution (~10^4 properties per group): cheap tests first
    for name, value in stored.items():
        if FLAT_SEPARATOR in name:
            if name.partition(FLAT_SEPARATOR)[0] in maps:
                continue
        elif name in maps:
            if isinstance(value, str):
                try:
                    out[name] = parse_json_text(value)
                except ValueError:
                    out[name] = value
                continue
        elif name == MAP_LIST_PROPERTY:
            continue
        out[name] = value if type(value) in PLAIN_TYPES else to_python(value)
    return out


PLAIN_TYPES: frozenset[type] = frozenset({str, int, float, bool, type(None)})
"""Types whose values go to and come from the driver unchanged."""
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def parse_json_text(text: str) -> Any:
    """``json.loads(text)``, three times faster on the canonical JSON this module writes.

    Group resolution parses ~500 small map texts per group, and ``json.loads``'
    per-call overhead (type checks, whitespace regexes) costs more than the parsing.
    The C scanner reads one value from the start; anything else (surrounding
    whitespace, trailing text, invalid JSON) goes to ``json.loads``, which then
    parses it or raises exactly as before.
    """
    try:
        value, end = _scan_json(text, 0)
    except (StopIteration, ValueError):
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def to_python(value: Any) -> Any:
    """Driver temporal values -> aware Python datetimes; lists element-wise."""
    if type(value) in PLAIN_TYPES:  # the common case, kept cheap: resolution decodes ~10^4 values
        return value
    if isinstance(value, list):
        return [to_python(v) for v in value]
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        return to_native()
    return value
