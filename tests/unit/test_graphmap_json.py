"""Map JSON text is parsed by a fast path (engine.graph.graphmap.parse_json_text) that must give
exactly what json.loads gives, or raise where json.loads raises."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.graph import decode_properties, encode_properties, parse_json_text

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_canonical_json_parses_like_json_loads(value: Any) -> None:
    for text in (
        json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
        json.dumps(value, indent=2),
    ):
        assert parse_json_text(text) == json.loads(text)


@pytest.mark.parametrize(
    "text", [' {"a": 1}', '{"a": 1} ', "\n[1]\n", "NaN", '"x"', "12", '{"a":1,"a":2}']
)
def test_text_json_loads_accepts_is_accepted(text: str) -> None:
    parsed = parse_json_text(text)
    expected = json.loads(text)
    assert repr(parsed) == repr(expected)


@pytest.mark.parametrize("text", ['{"a":', "[1,2]x", "nope", "", "\ufeff{}", '{"a":1}{"b":2}'])
def test_text_json_loads_rejects_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        parse_json_text(text)


def test_decode_keeps_text_that_is_not_json() -> None:
    stored = encode_properties({"configurationProperties": {"directory": "/data", "depth": 2}})
    stored["arguments"] = "[1,2]x"
    decoded = decode_properties(stored)
    assert decoded == {
        "configurationProperties": {"depth": 2, "directory": "/data"},
        "arguments": "[1,2]x",
    }
