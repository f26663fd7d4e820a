"""Typed property values and type identities as Egeria writes them (no Neo4j).

The expected field names and GUIDs below are transcribed from Egeria's own Java classes
(github odpi/egeria), named at each table; the tests compare the engine's output to them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine import ELEMENT_SUPERTYPES, RELATIONSHIP_TYPES
from engine.declare.egeria import (
    COLLECTION_TYPES,
    ENUM_TYPES,
    PRIMITIVE_TYPES,
    decode_value,
    encode_value,
    type_def,
)

# InstancePropertyValue (repository-services-apis ... properties.instances): the fields every
# typed value has (with InstanceElementHeader's headerVersion and Jackson's "class"), then each
# subclass's own: PrimitivePropertyValue, EnumPropertyValue, MapPropertyValue,
# ArrayPropertyValue.
VALUE_FIELDS = {"class", "headerVersion", "instancePropertyCategory", "typeGUID", "typeName"}
SUBCLASS_FIELDS = {
    "PrimitivePropertyValue": {"primitiveDefCategory", "primitiveValue"},
    "EnumPropertyValue": {"ordinal", "symbolicName", "description"},
    "MapPropertyValue": {"mapValues", "mapElementCount"},
    "ArrayPropertyValue": {"arrayCount", "arrayValues"},
}
CATEGORY = {
    "PrimitivePropertyValue": "PRIMITIVE",
    "EnumPropertyValue": "ENUM",
    "MapPropertyValue": "MAP",
    "ArrayPropertyValue": "ARRAY",
}

# PrimitiveDefCategory (repository-services-apis ... properties.typedefs): name, category, GUID.
EGERIA_PRIMITIVES = {
    "boolean": ("OM_PRIMITIVE_TYPE_BOOLEAN", "3863f010-611c-41fe-aaae-5d4d427f863b"),
    "int": ("OM_PRIMITIVE_TYPE_INT", "7fc49104-fd3a-46c8-b6bf-f16b6074cd35"),
    "long": ("OM_PRIMITIVE_TYPE_LONG", "33a91510-92ee-4825-9f49-facd7a6f9db6"),
    "double": ("OM_PRIMITIVE_TYPE_DOUBLE", "e13572e8-25c3-4994-acb6-2ea66c95812e"),
    "string": ("OM_PRIMITIVE_TYPE_STRING", "b34a64b9-554a-42b1-8f8a-7d5c2339f9c4"),
    "date": ("OM_PRIMITIVE_TYPE_DATE", "1bef35ca-d4f9-48db-87c2-afce4649362d"),
}

# OpenMetadataTypesArchive.addStandardCollectionDefs (open-metadata-types): collection GUIDs.
EGERIA_COLLECTIONS = {
    "map<string,string>": "005c7c14-ac84-4136-beed-959401b041f8",
    "map<string,boolean>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ab",
    "map<string,int>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ac",
    "map<string,long>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ae",
    "map<string,double>": "17211869-ed39-4ba9-bead-ffd967df65a8",
    "map<string,date>": "ee293c68-e34d-4885-a512-f927d35a5893",
    "map<string,object>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ad",
    "array<string>": "0428b5d3-f824-459c-b7f5-f8151de59707",
    "array<int>": "0103fe10-98b0-4910-8ee0-21d529f7ff6d",
}

# OpenMetadataType (open-metadata-framework ... types): the types an integration group's
# archive uses, with their typeGUIDs.
EGERIA_TYPES = {
    "IntegrationGroup": "4d7c43ec-983b-40e4-af78-6fb66c4f5136",
    "IntegrationConnector": "759da11b-ebb6-4382-bdc9-72adc7c922db",
    "Connection": "114e9f8f-5ff3-4c32-bd37-a7eb42712253",
    "VirtualConnection": "82f9c664-e59d-484c-a8f3-17088c23a2f3",
    "ConnectorType": "954421eb-33a6-462d-a8ca-b5709a1bd0d4",
    "Endpoint": "dbc20663-d705-4ff0-8424-80c262c6b8e7",
    "Database": "0921c83f-b2db-4086-a52c-0d10e52ca078",
    "FileFolder": "229ed5cc-de31-45fc-beb4-9919fd247398",
    "Anchors": "aa44f302-2e43-4669-a1e7-edaae414fc6e",
    "Template": "25fad4a2-c2d6-440d-a5b1-e537881f84ee",
    "RegisteredIntegrationConnector": "7528bcd4-ae4c-47d0-a33f-4aeebbaa92c2",
    "AssetConnection": "c96593a5-9f42-41c8-82a0-16acafc77c44",
    "ConnectionConnectorType": "e542cfc1-0b4b-42b9-9921-f0a5a88aaf96",
    "ConnectToEndpoint": "e2b62ebb-7f7d-4d48-be70-b0859416bc95",
    "EmbeddedConnection": "eb6dfdd2-8c6f-4f0d-a17d-f6ce4799f64f",
    "CatalogTarget": "bc5a5eb1-881b-4055-aa2c-78f314282ac2",
}

TYPES_FILE = (
    Path(__file__).parents[2] / "engine" / "declare" / "egeria" / "open_metadata_types.json"
)

GUID = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{11,12}$"
)


def check_value(value: dict[str, Any]) -> None:
    """``value`` (and every value nested in it) has exactly the fields of its Java class."""
    cls = value["class"]
    assert set(value) == VALUE_FIELDS | SUBCLASS_FIELDS[cls], cls
    assert value["instancePropertyCategory"] == CATEGORY[cls]
    assert GUID.match(value["typeGUID"]), value
    for key in ("mapValues", "arrayValues"):
        for nested in value.get(key, {}).get("instanceProperties", {}).values():
            check_value(nested)


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (True, "boolean"),
        (7, "int"),
        (2**40, "long"),
        (1.5, "double"),
        ("text", "string"),
        (datetime(2026, 1, 1, tzinfo=UTC), "date"),
    ],
)
def test_primitives_name_their_type_as_primitive_def_category(value: Any, type_name: str) -> None:
    encoded = encode_value("someProperty", value)
    check_value(encoded)
    category, guid = EGERIA_PRIMITIVES[type_name]
    assert (encoded["typeName"], encoded["primitiveDefCategory"], encoded["typeGUID"]) == (
        type_name,
        category,
        guid,
    )
    assert decode_value(encoded) == value


def test_dates_travel_as_epoch_milliseconds() -> None:
    encoded = encode_value("startDate", datetime(2026, 1, 1, tzinfo=UTC))
    assert encoded["primitiveValue"] == 1767225600000


def test_refresh_time_interval_is_a_long_even_when_small() -> None:
    encoded = encode_value("refreshTimeInterval", 60)
    assert encoded["typeName"] == "long"
    assert encoded["typeGUID"] == EGERIA_PRIMITIVES["long"][1]


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ({"a": "x", "b": "y"}, "map<string,string>"),
        ({"a": True}, "map<string,boolean>"),
        ({"a": 1, "b": 2}, "map<string,int>"),
        ({"a": 1, "b": 2**40}, "map<string,long>"),
        ({"a": 0.5}, "map<string,double>"),
        ({"a": datetime(2026, 1, 1, tzinfo=UTC)}, "map<string,date>"),
        ({"a": 1, "b": "x", "c": {"d": "e"}}, "map<string,object>"),
        ({}, "map<string,string>"),
        (["a", "b", "c"], "array<string>"),
        ([1, 2], "array<int>"),
    ],
)
def test_collections_name_their_standard_type(value: Any, type_name: str) -> None:
    encoded = encode_value("configurationProperties", value)
    check_value(encoded)
    assert encoded["typeName"] == type_name
    assert encoded["typeGUID"] == EGERIA_COLLECTIONS[type_name]
    count = encoded.get("mapElementCount", encoded.get("arrayCount"))
    assert count == len(value)
    assert decode_value(encoded) == value


# PermittedSynchronization, DeleteMethod, ActivityStatus (open-metadata-framework ... enums):
# the enum type's GUID, then one value's ordinal and description.
EGERIA_ENUMS = {
    "permittedSynchronization": (
        "PermittedSynchronization",
        "973a9f4c-93fa-43a5-a0c5-d97dbd164e78",
        "OTHER",
        99,
        "Another type of synchronization rule - see description property.",
    ),
    "deleteMethod": (
        "DeleteMethod",
        "6d1facbf-fd37-457f-8282-4dd824a9658d",
        "LOOK_FOR_LINEAGE",
        2,
        "If the element has lineage relationships then archive; otherwise soft-delete.",
    ),
    "activityStatus": (
        "ActivityStatus",
        "a6e698b0-a4f7-4a39-8c80-db0bb0f972e",
        "IN_PROGRESS",
        4,
        "The work for the activity is in progress.",
    ),
}


@pytest.mark.parametrize("prop", sorted(EGERIA_ENUMS))
def test_enums_carry_type_ordinal_and_description(prop: str) -> None:
    type_name, guid, symbol, ordinal, description = EGERIA_ENUMS[prop]
    encoded = encode_value(prop, symbol)
    check_value(encoded)
    assert encoded["typeName"] == type_name
    assert encoded["typeGUID"] == guid
    assert (encoded["symbolicName"], encoded["ordinal"]) == (symbol, ordinal)
    assert encoded["description"] == description
    assert decode_value(encoded) == symbol


def test_every_enum_value_has_an_ordinal_and_a_description() -> None:
    for enum in ENUM_TYPES.values():
        ordinals = [ordinal for ordinal, _ in enum.values.values()]
        assert len(set(ordinals)) == len(ordinals), enum.name
        assert all(description for _, description in enum.values.values()), enum.name


def test_engine_tables_match_egeria() -> None:
    for name, (category, guid) in EGERIA_PRIMITIVES.items():
        assert PRIMITIVE_TYPES[name] == (category, guid)
    assert COLLECTION_TYPES == EGERIA_COLLECTIONS
    for name, guid in EGERIA_TYPES.items():
        known = type_def(name)
        assert known is not None, name
        assert (known.guid, known.version) == (guid, 1)


def test_type_table_covers_the_model() -> None:
    """Every type Switchboard models has its Egeria identity (else its export would fail)."""
    for name in [*ELEMENT_SUPERTYPES, *RELATIONSHIP_TYPES]:
        assert type_def(name) is not None, name
    assert type_def("NoSuchEgeriaType") is None


def test_type_table_is_well_formed() -> None:
    table = json.loads(TYPES_FILE.read_text(encoding="utf-8"))
    names = [*table["openMetadataTypes"], *table["newerTypes"]]
    assert len(names) == len(set(names)), "a type is listed twice"
    assert len(names) > 600
    assert set(table["versions"]) <= set(names)
    # ResourceList is at version 2 in Egeria's content packs
    resource_list = type_def("ResourceList")
    assert resource_list is not None and resource_list.version == 2
