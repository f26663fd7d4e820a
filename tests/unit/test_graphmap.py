"""Unit tests (no I/O) for the property encoding."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from engine.graph import decode_properties, encode_properties


def test_maps_are_json_plus_flattened_keys() -> None:
    stored = encode_properties(
        {"qualifiedName": "c1", "configurationProperties": {"dir": "/data", "depth": 2, "x": [1]}}
    )
    assert json.loads(stored["configurationProperties"]) == {"dir": "/data", "depth": 2, "x": [1]}
    assert stored["configurationProperties.dir"] == "/data"
    assert stored["configurationProperties.depth"] == 2
    assert "configurationProperties.x" not in stored


def test_unknown_map_names_are_listed_and_round_trip() -> None:
    props = {
        "qualifiedName": "e",
        "customMap": {"k": "v"},
        "when": datetime(2026, 1, 1, tzinfo=UTC),
    }
    stored = encode_properties(props)
    assert stored["mapProperties"] == ["customMap"]
    assert decode_properties(stored) == props


def test_none_values_are_not_stored() -> None:
    assert encode_properties({"a": None, "b": 1}) == {"b": 1}


keys = st.text(min_size=1, max_size=10)
scalars = st.one_of(st.text(max_size=20), st.integers(-(2**40), 2**40), st.booleans())


@given(st.dictionaries(keys, scalars, max_size=5), st.dictionaries(keys, scalars, max_size=5))
def test_round_trip(config: dict[str, object], additional: dict[str, object]) -> None:
    props = {
        "qualifiedName": "x",
        "configurationProperties": config,
        "additionalProperties": additional,
    }
    assert decode_properties(encode_properties(props)) == props
