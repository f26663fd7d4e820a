"""Egeria's typed property values, both ways: archive values to Python values and back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.declare.egeria.conventions import EPOCH
from engine.declare.egeria.typedefs import COLLECTION_TYPES, ENUM_TYPES, PRIMITIVE_TYPES
from engine.errors import ArchiveError

LONG_PROPERTIES: frozenset[str] = frozenset({"refreshTimeInterval"})
"""Properties Egeria types as ``long`` even when the value would fit an ``int``."""


_TIMES: dict[int, datetime] = {}


def parse_time(value: Any) -> datetime | None:
    kind = type(value)
    if kind is int:
        # archives repeat a handful of timestamps thousands of times
        moment = _TIMES.get(value)
        if moment is None:
            moment = EPOCH + timedelta(milliseconds=value)
            if len(_TIMES) < 10_000:
                _TIMES[value] = moment
        return moment
    if kind is float:
        return EPOCH + timedelta(milliseconds=value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def decode_instance_properties(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ArchiveError(f"{where}: expected InstanceProperties, found {type(value).__name__}")
    inner = value.get("instanceProperties")
    if inner is None:
        return {}
    if not isinstance(inner, dict):
        raise ArchiveError(f"{where}: instanceProperties is not an object")
    out: dict[str, Any] = {}
    for name, item in inner.items():
        decoded = decode_value(item, f"{where} property {name!r}")
        if decoded is not None:
            out[str(name)] = decoded
    return out


def _integral(category: str) -> bool:
    return category.upper().endswith(("INT", "LONG", "SHORT", "BYTE", "BIGINTEGER"))


def decode_value(value: Any, where: str = "property") -> Any:
    """One Egeria typed property value -> a Python value.

    Primitive -> its value (dates -> aware UTC datetimes), enum -> its
    symbolic name, map and struct -> dict, array -> list. Raises
    :class:`ArchiveError` for an unknown ``class``.
    """
    if not isinstance(value, dict):
        raise ArchiveError(
            f"{where}: expected a typed property value object, found {type(value).__name__}"
        )
    cls = value.get("class")
    if cls == "PrimitivePropertyValue":
        primitive = value.get("primitiveValue")
        category = str(value.get("primitiveDefCategory") or value.get("typeName") or "")
        if category.upper().endswith("DATE") and primitive is not None:
            moment = parse_time(primitive)
            if moment is None:
                raise ArchiveError(f"{where}: {primitive!r} is not a date")
            return moment
        if type(primitive) is float and abs(primitive) >= 2.0**63 and _integral(category):
            # orjson reads integers beyond 64 bits as floats
            raise ArchiveError(
                f"{where}: {primitive:.0f} does not fit in 64 bits",
                hint="Neo4j stores integers of at most 64 bits",
            )
        return primitive
    if cls == "EnumPropertyValue":
        symbol = value.get("symbolicName")
        if not isinstance(symbol, str):
            raise ArchiveError(f"{where}: EnumPropertyValue without a symbolicName")
        return symbol
    if cls == "MapPropertyValue":
        return decode_instance_properties(value.get("mapValues"), where)
    if cls == "StructPropertyValue":
        return decode_instance_properties(value.get("attributes"), where)
    if cls == "ArrayPropertyValue":
        items = decode_instance_properties(value.get("arrayValues"), where)
        try:
            ordered = sorted(items.items(), key=lambda kv: int(kv[0]))
        except ValueError as exc:
            raise ArchiveError(f"{where}: array keys must be positions 0, 1, ...") from exc
        return [item for _, item in ordered]
    raise ArchiveError(
        f"{where}: unknown property value class {cls!r}",
        hint="expected PrimitivePropertyValue, EnumPropertyValue, MapPropertyValue, "
        "ArrayPropertyValue or StructPropertyValue",
    )


def millis(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def _primitive(type_name: str, value: Any) -> dict[str, Any]:
    category, guid = PRIMITIVE_TYPES[type_name]
    return {
        "class": "PrimitivePropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": "PRIMITIVE",
        "typeGUID": guid,
        "typeName": type_name,
        "primitiveDefCategory": category,
        "primitiveValue": value,
    }


def _primitive_type(name: str, value: Any) -> str | None:
    """The Egeria primitive type a Python value is written as (None: not a primitive)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        wide = name in LONG_PROPERTIES or not -(2**31) <= value < 2**31
        return "long" if wide else "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, datetime):
        return "date"
    if isinstance(value, str):
        return "string"
    return None


def _element_type(items: list[tuple[str, Any]]) -> str:
    """The one primitive type of a collection's items, or ``object`` when they differ."""
    kinds = {_primitive_type(name, value) for name, value in items}
    if kinds == {"int", "long"}:
        return "long"
    if len(kinds) == 1 and None not in kinds:
        return str(kinds.pop())
    return "object"


def _collection(category: str, type_name: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": category.title() + "PropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": category,
    }
    if type_name in COLLECTION_TYPES:
        out["typeGUID"] = COLLECTION_TYPES[type_name]
    out["typeName"] = type_name
    return out


def _enum(name: str, value: Any) -> dict[str, Any] | None:
    enum = ENUM_TYPES.get(name)
    if enum is None or not isinstance(value, str) or value not in enum.values:
        return None
    ordinal, description = enum.values[value]
    return {
        "class": "EnumPropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": "ENUM",
        "typeGUID": enum.guid,
        "typeName": enum.name,
        "ordinal": ordinal,
        "symbolicName": value,
        "description": description,
    }


def encode_value(name: str, value: Any) -> dict[str, Any]:
    """A Python value -> Egeria's typed property value (the inverse of :func:`decode_value`).

    Every value names its type (``typeName``, ``typeGUID``): primitives their
    PrimitiveDefCategory, maps ``map<string,X>`` by their values' one type (else
    ``map<string,object>``), arrays ``array<string>`` or ``array<int>``, and the values of
    :data:`~engine.declare.egeria.typedefs.ENUM_TYPES` their enum, with its description.
    An array of other or mixed values is named ``array<long>``, ``array<object>``, ...
    without a ``typeGUID``: Egeria's types archive defines only ``array<string>`` and
    ``array<int>``, so there is no GUID to give (the value's category and ``typeName``
    still say what it is).
    """
    enum = _enum(name, value)
    if enum is not None:
        return enum
    primitive = _primitive_type(name, value)
    if primitive == "date":
        return _primitive("date", millis(value))
    if primitive is not None:
        return _primitive(primitive, value)
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items() if v is not None]
        out = _collection("MAP", f"map<string,{_element_type(items) if items else 'string'}>")
        out.update(mapValues=instance_properties(value), mapElementCount=len(items))
        return out
    if isinstance(value, list | tuple):
        kind = _element_type([(name, item) for item in value]) if value else "string"
        out = _collection("ARRAY", f"array<{kind}>")
        out.update(
            arrayCount=len(value),
            arrayValues=instance_properties({str(i): item for i, item in enumerate(value)}, name),
        )
        return out
    return _primitive("string", str(value))


def instance_properties(values: Mapping[str, Any], element_name: str = "") -> dict[str, Any]:
    return {
        "class": "InstanceProperties",
        "headerVersion": 1,
        "instanceProperties": {
            str(k): encode_value(element_name or str(k), v)
            for k, v in values.items()
            if v is not None
        },
    }
