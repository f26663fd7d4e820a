"""A resolved group as its JSON document: :func:`canonical_json`, without pydantic.

Resolution decodes a group into *plain data* (:func:`engine.graph.resolve.resolve_group_plain`:
dicts and lists holding exactly the fields of the views of :mod:`engine.resolved`, values
of their declared types). The views' JSON document is ``model_dump(mode="json")``;
:func:`plain_document` gives the same document from the plain data, so that a command
that prints a group need not load pydantic. It converts the value types resolution
produces (str, int, float, bool, None, lists, str-keyed dicts, dates, times and datetimes)
exactly as pydantic does (``+00:00`` written ``Z``, a non-finite float as null) and raises
:class:`UnusualValue` for anything else; the caller then takes pydantic's own way
(tests/unit/test_resolve_plain.py compares both on every kind of value).

:func:`canonical_json` is the stable serialisation (sorted keys, ISO datetimes, two-space
indent, trailing newline) used for golden files and ``--format json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from math import isfinite
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.resolved import ResolvedGroup

PlainGroup = dict[str, Any]
"""A resolved group as plain data: dicts and lists with exactly the fields of the views of
:mod:`engine.resolved` (what their ``model_dump()`` gives); see
:func:`engine.graph.resolve.resolve_group_plain`."""

REGISTRATION_DEFAULTS: dict[str, Any] = {
    "connectorName": None,
    "connectorUserId": None,
    "metadataSourceQualifiedName": None,
    "metadataCollectionQualifiedName": None,
    "startDate": None,
    "connectorShutdownDate": None,
    "refreshTimeInterval": None,
    "generateConnectorActivityReports": True,
    "permittedSynchronization": None,
}
"""The registration's fields besides guid and properties, with the value each has when
not stored (those of :class:`engine.resolved.RegistrationView`)."""


class UnusualValue(ValueError):
    """A value :func:`plain_document` does not convert exactly as pydantic would."""


_SCALARS = frozenset({str, int, bool, type(None)})


def plain_document(value: Any) -> Any:
    """``value`` (plain data of a resolved group, or any part of it) as JSON data, the
    same as the views' ``model_dump(mode="json")``; :class:`UnusualValue` when it holds a
    value this function does not convert exactly."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise UnusualValue(f"a key of type {type(key).__name__}")
            out[key] = plain_document(item)
        return out
    if kind is list or kind is tuple:
        return [plain_document(item) for item in value]
    if kind is float:
        return value if isfinite(value) else None
    if kind is datetime or kind is time:
        return _clock_text(value)
    if kind is date:
        return value.isoformat()
    raise UnusualValue(f"a value of type {kind.__name__}")


def _clock_text(value: datetime | time) -> str:
    """ISO 8601 as pydantic writes it: a zero offset as ``Z``; offsets in whole minutes."""
    offset = value.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        raise UnusualValue("an offset with seconds")
    text = value.isoformat()
    if offset is not None and not offset:
        return text[: -len("+00:00")] + "Z"
    return text


def canonical_document(group: ResolvedGroup | PlainGroup) -> dict[str, Any]:
    """``group`` (views or plain data) as JSON data (datetimes as ISO 8601 text)."""
    if isinstance(group, dict):
        try:
            document: dict[str, Any] = plain_document(group)
            return document
        except UnusualValue:  # a value only pydantic converts: through the views
            from copy import deepcopy

            from engine.resolved import views_from_plain

            group = views_from_plain(deepcopy(group))
    data: dict[str, Any] = group.model_dump(mode="json")
    return data


def canonical_json(
    group: ResolvedGroup | PlainGroup | Sequence[ResolvedGroup | PlainGroup],
) -> str:
    """Deterministic JSON text: sorted keys, ISO datetimes, indent 2, trailing newline.

    A sequence of groups serialises as a JSON array of group documents.
    """
    if isinstance(group, Sequence):
        data: Any = [canonical_document(g) for g in group]
    else:
        data = canonical_document(group)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
