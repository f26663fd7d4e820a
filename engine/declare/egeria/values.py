"""Egeria's typed property values, both ways: archive values to Python values and back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.declare.egeria.conventions import EPOCH
from engine.errors import ArchiveError

PRIMITIVES: dict[str, tuple[str, str | None]] = {
    "string": ("OM_PRIMITIVE_TYPE_STRING", "b34a64b9-554a-42b1-8f8a-7d5c2339f9c4"),
    "boolean": ("OM_PRIMITIVE_TYPE_BOOLEAN", "3863f010-611c-41fe-aaae-5d4d427f863b"),
    "int": ("OM_PRIMITIVE_TYPE_INT", "7fc49104-fd3a-46c8-b6bf-f16b6074cd35"),
    "long": ("OM_PRIMITIVE_TYPE_LONG", "33a91510-92ee-4825-9f49-facd7a6f9db6"),
    "double": ("OM_PRIMITIVE_TYPE_DOUBLE", None),
    "date": ("OM_PRIMITIVE_TYPE_DATE", None),
}

LONG_PROPERTIES: frozenset[str] = frozenset({"refreshTimeInterval"})

ENUMS: dict[str, tuple[str, dict[str, int]]] = {
    "permittedSynchronization": (
        "PermittedSynchronization",
        {"BOTH_DIRECTIONS": 0, "TO_THIRD_PARTY": 1, "FROM_THIRD_PARTY": 2, "OTHER": 99},
    ),
    "deleteMethod": (
        "DeleteMethod",
        {"ARCHIVE": 0, "SOFT_DELETE": 1, "LOOK_FOR_LINEAGE": 2, "PURGE": 3, "OTHER": 99},
    ),
    "activityStatus": (
        "ActivityStatus",
        {
            "REQUESTED": 0,
            "APPROVED": 1,
            "WAITING": 2,
            "ACTIVATING": 3,
            "IN_PROGRESS": 4,
            "COMPLETED": 5,
            "INVALID": 6,
            "IGNORED": 7,
            "FAILED": 8,
            "CANCELLED": 9,
            "OTHER": 99,
        },
    ),
}
"""Property name -> (Egeria enum type, symbolic name -> ordinal), used on export."""


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
    category, guid = PRIMITIVES[type_name]
    out: dict[str, Any] = {
        "class": "PrimitivePropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": "PRIMITIVE",
    }
    if guid:
        out["typeGUID"] = guid
    out.update({"typeName": type_name, "primitiveDefCategory": category, "primitiveValue": value})
    return out


def encode_value(name: str, value: Any) -> dict[str, Any]:
    """A Python value -> Egeria's typed property value (the inverse of :func:`decode_value`)."""
    enum = ENUMS.get(name)
    if enum is not None and isinstance(value, str) and value in enum[1]:
        return {
            "class": "EnumPropertyValue",
            "headerVersion": 1,
            "instancePropertyCategory": "ENUM",
            "typeName": enum[0],
            "ordinal": enum[1][value],
            "symbolicName": value,
        }
    if isinstance(value, bool):
        return _primitive("boolean", value)
    if isinstance(value, int):
        wide = name in LONG_PROPERTIES or not -(2**31) <= value < 2**31
        return _primitive("long" if wide else "int", value)
    if isinstance(value, float):
        return _primitive("double", value)
    if isinstance(value, datetime):
        return _primitive("date", millis(value))
    if isinstance(value, Mapping):
        return {
            "class": "MapPropertyValue",
            "headerVersion": 1,
            "instancePropertyCategory": "MAP",
            "mapValues": instance_properties(value),
            "mapElementCount": len(value),
        }
    if isinstance(value, list | tuple):
        return {
            "class": "ArrayPropertyValue",
            "headerVersion": 1,
            "instancePropertyCategory": "ARRAY",
            "arrayCount": len(value),
            "arrayValues": instance_properties(
                {str(i): item for i, item in enumerate(value)}, name
            ),
        }
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
