"""The storage conventions every generated graph follows, written once.

Nodes get the labels of :func:`engine.typesystem.labels_for`, ``guid``, ``qualifiedName``,
``typeName``, audit fields, and every other property encoded by
:func:`engine.graph.graphmap.encode_properties`. Relationships get a ``guid``, audit fields
and encoded properties. Guids are uuid5 of a key (a qualifiedName or a relationship key) in
a namespace per world, and times are fixed, so two builds of the same world are identical.
The rows are what the graph writer's bulk loads take (``engine.graph.writer``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from engine import RELATIONSHIP_TYPES, labels_for
from engine.graph import encode_properties

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
"""The create and update time of every generated element and relationship, unless given."""


def stable_guid(namespace: uuid.UUID, key: str) -> str:
    """The guid of ``key`` in ``namespace``: the same key always gives the same guid."""
    return str(uuid.uuid5(namespace, key))


def audit(time: datetime = BASE_TIME, user: str = "tester") -> dict[str, Any]:
    """The audit fields of a first version written at ``time`` by ``user``."""
    return {
        "version": 1,
        "createTime": time,
        "updateTime": time,
        "createdBy": user,
        "updatedBy": user,
    }


def element_row(
    type_name: str,
    qualified_name: str,
    guid: str,
    properties: Mapping[str, Any],
    *,
    time: datetime = BASE_TIME,
    user: str = "tester",
) -> dict[str, Any]:
    """A node row for ``engine.graph.writer.bulk_create_elements``."""
    props = {
        "guid": guid,
        "qualifiedName": qualified_name,
        "typeName": type_name,
        **audit(time, user),
        **properties,
    }
    return {"labels": list(labels_for(type_name)), "props": encode_properties(props)}


def relationship_row(
    relationship: str,
    start: str,
    end: str,
    guid: str,
    properties: Mapping[str, Any],
    *,
    time: datetime = BASE_TIME,
    user: str = "tester",
) -> dict[str, Any]:
    """A relationship row: ``start`` and ``end`` are guids for
    ``bulk_create_relationships``, qualifiedNames for ``bulk_relate_by_name``."""
    return {
        "type": RELATIONSHIP_TYPES[relationship],
        "from": start,
        "to": end,
        "props": encode_properties({"guid": guid, **audit(time, user), **properties}),
    }
