"""What 'switchboard cypher' says a write did, from the server's update counters."""

from __future__ import annotations

import pytest

from cli.cypher_view import describe_counters


@pytest.mark.parametrize(
    ("counters", "said"),
    [
        ({"properties_set": 1}, "1 property set"),
        ({"properties_set": 2}, "2 properties set"),
        (
            {"nodes_created": 1, "relationships_created": 3},
            "1 node created, 3 relationships created",
        ),
        ({"labels_added": 1, "indexes_added": 1}, "1 index added, 1 label added"),
        ({"constraints_removed": 2}, "2 constraints removed"),
    ],
)
def test_counters_are_said_in_words(counters: dict[str, int], said: str) -> None:
    assert describe_counters(counters) == said
