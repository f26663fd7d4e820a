"""A group printed from plain data is the document pydantic's views give, value for value."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine import ElementView, ResolvedGroup
from engine.graph import canonical_document, canonical_json

VALUES: list[Any] = [
    "text",
    "",
    0,
    -7,
    10**30,
    True,
    None,
    1.5,
    -0.0,
    1e300,
    float("inf"),
    float("nan"),
    [1, "a", [None, 2.5]],
    {"nested": {"deep": [1, {"x": "y"}]}},
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),
    datetime(2026, 7, 2, 3, 4, 5, tzinfo=ZoneInfo("Europe/London")),
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Europe/London")),
    datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(seconds=3601))),
    datetime(2026, 1, 2, 3, 4, 5),
    datetime(999, 1, 2, tzinfo=UTC),
    date(2026, 2, 3),
    time(1, 2, 3, 4),
    time(1, 2, 3, tzinfo=UTC),
    b"bytes",
    timedelta(seconds=3.5),
]


def group_holding(value: Any) -> ResolvedGroup:
    element = ElementView(
        guid="g", qualifiedName="group.one", typeName="IntegrationGroup", properties={"v": value}
    )
    return ResolvedGroup(group=element, connectors=[])


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_plain_document_equals_the_views_document(value: Any) -> None:
    view = group_holding(value)
    expected = view.model_dump(mode="json")
    assert canonical_document(view.model_dump()) == canonical_document(view)
    assert canonical_json(view.model_dump()) == canonical_json(view)
    assert canonical_json([view.model_dump()]) == canonical_json([view])
    assert repr(canonical_document(view.model_dump())) == repr(expected)


def test_plain_document_leaves_the_plain_data_as_it_was() -> None:
    plain = group_holding(b"only pydantic converts bytes").model_dump()
    before = repr(plain)
    canonical_json(plain)
    assert repr(plain) == before
