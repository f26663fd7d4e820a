"""Group resolution builds its views without pydantic validation (for speed); these
tests prove the result is exactly what validation would have produced, and that a
stored value of an unexpected type still goes through validation. It also pauses
garbage collection while it decodes, and must leave it as it found it."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from engine import NotFoundError, ResolvedGroup, gc_paused
from engine.graph import (
    TIME_PROPERTIES,
    Store,
    decode_properties,
    decode_resolved_properties,
    group_from_row,
    group_names,
    resolve_group,
    resolve_groups,
)
from tests.world import build_fixture_world


def test_every_fixture_group_equals_its_validated_copy(store: Store) -> None:
    build_fixture_world(store)
    names = group_names(store)
    assert len(names) >= 2
    for group in resolve_groups(store, names):
        validated = ResolvedGroup.model_validate(group.model_dump())
        assert validated == group  # a value of the wrong type would have been coerced
        assert validated.model_dump_json() == group.model_dump_json()


def _row(registration: dict[str, Any], embedded_arguments: Any = None) -> dict[str, Any]:
    relationship: dict[str, Any] = {"guid": "em-1", "position": 1}
    if embedded_arguments is not None:
        relationship["arguments"] = embedded_arguments
    return {
        "group": {"guid": "g-1", "qualifiedName": "group", "typeName": "IntegrationGroup"},
        "connectors": [
            {
                "registration": {"guid": "r-1", **registration},
                "connector": {"guid": "c-1", "qualifiedName": "connector"},
                "connections": ["conn-1"],
                "catalogTargets": [],
            }
        ],
        "connections": [
            {
                "node": {"guid": "conn-1", "qualifiedName": "conn", "typeName": "Connection"},
                "connectorTypes": [],
                "endpoints": [],
                "embedded": [{"relationship": relationship, "child": "conn-2"}],
                "assets": [],
            },
            {
                "node": {"guid": "conn-2", "qualifiedName": "conn2", "typeName": "Connection"},
                "connectorTypes": [],
                "endpoints": [],
                "embedded": [],
                "assets": [],
            },
        ],
        "elements": [],
    }


def test_registration_values_of_exact_types_are_kept() -> None:
    group = group_from_row(_row({"connectorName": "a", "refreshTimeInterval": 5}))
    registration = group.connectors[0].registration
    assert registration.connectorName == "a"
    assert registration.refreshTimeInterval == 5
    assert registration.generateConnectorActivityReports is True
    assert group.connectors[0].connection is not None
    assert group.connectors[0].connection.embeddedConnections[0].arguments == {}


def test_a_registration_value_of_another_type_is_coerced_by_validation() -> None:
    group = group_from_row(_row({"refreshTimeInterval": 60.0, "startDate": "2026-01-02T03:04:05Z"}))
    registration = group.connectors[0].registration
    assert type(registration.refreshTimeInterval) is int
    assert registration.refreshTimeInterval == 60
    assert registration.startDate is not None
    assert registration.startDate.year == 2026


def test_a_registration_value_validation_rejects_still_fails() -> None:
    with pytest.raises(ValidationError, match="refreshTimeInterval"):
        group_from_row(_row({"refreshTimeInterval": "every hour"}))


def test_embedded_arguments_that_are_not_a_map_still_fail_validation() -> None:
    with pytest.raises(ValidationError, match="arguments"):
        group_from_row(_row({}, embedded_arguments="[1, 2]"))


def test_resolution_leaves_garbage_collection_as_it_found_it(store: Store) -> None:
    build_fixture_world(store)
    names = group_names(store)
    assert gc.isenabled()
    assert resolve_group(store, names[0]).qualified_name == names[0]
    assert gc.isenabled()
    with pytest.raises(NotFoundError):
        resolve_group(store, "no.such.group")
    assert gc.isenabled()
    gc.disable()
    try:
        assert [g.qualified_name for g in resolve_groups(store, names)] == names
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a caller's choice to run without collection stays
    finally:
        gc.enable()


# ------------------------------------------------------------------ planned decoding
_NAMES = st.sampled_from(
    [
        "guid",
        "displayName",
        "configurationProperties",
        "configurationProperties.dir",
        "arguments",
        "arguments.x",
        "customMap",
        "customMap.k",
        "other.key",
        "mapProperties",
        "tags",
        "version",
    ]
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.sampled_from(['{"a":1}', '{"b":[1,2]}', "[1]", "not json", '{"a":1} x']),
    st.lists(st.text(max_size=3), max_size=3),
    st.just(["customMap"]),
)


@given(st.lists(st.dictionaries(_NAMES, _VALUES, max_size=8), min_size=1, max_size=4))
def test_planned_decoding_equals_decode_properties(maps: list[dict[str, Any]]) -> None:
    """Maps of the same key set share a decoding plan; the result is decode_properties'."""
    for stored in maps:
        if "mapProperties" in stored:  # as encode_properties writes it: a list of names
            stored["mapProperties"] = ["customMap"]
    for stored in maps + maps:  # the second round reuses the plans the first one made
        expected = decode_properties(stored)
        for key in TIME_PROPERTIES:
            if expected.get(key, 0) is None:
                del expected[key]
        got = decode_resolved_properties(stored, {})
        assert got == expected
        assert list(got) == list(expected)
