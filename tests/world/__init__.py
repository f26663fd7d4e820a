"""The synthetic worlds of the tests and the benchmarks, built in one place.

* :mod:`tests.world.rows`: the storage conventions every generated graph follows (labels,
  guids as uuid5 of a key, audit fields, encoded properties), as rows for the graph
  writer's bulk loads.
* :mod:`tests.world.fixture`: :class:`GraphBuilder` (one element or relationship at a time)
  and the small fixture world the resolution, query and validation tests share.
* :mod:`tests.world.synthetic`: a seeded synthetic graph of N groups x M connectors,
  bulk-loaded (the resolution, validation and daemon-poll benchmarks).
* :mod:`tests.world.resolved`: the same shape as resolved groups in Python, no Neo4j.
* :mod:`tests.world.manifests`: synthetic manifest files.
* :mod:`tests.world.archives`: a synthetic Egeria archive.

Tests and benchmarks import from here; nothing here imports ``benchmarks``.
"""

from tests.world.archives import synthetic_archive
from tests.world.fixture import LATER, GraphBuilder, build_fixture_world, guid_for
from tests.world.manifests import write_manifest_files
from tests.world.resolved import synthetic_groups
from tests.world.rows import BASE_TIME, audit, element_row, relationship_row, stable_guid
from tests.world.synthetic import (
    LoadStats,
    SyntheticSpec,
    connector_type_qualified_name,
    group_qualified_name,
    load_synthetic,
    synthetic_guid,
    wipe_synthetic,
)

__all__ = [
    "BASE_TIME",
    "LATER",
    "GraphBuilder",
    "LoadStats",
    "SyntheticSpec",
    "audit",
    "build_fixture_world",
    "connector_type_qualified_name",
    "element_row",
    "group_qualified_name",
    "guid_for",
    "load_synthetic",
    "relationship_row",
    "stable_guid",
    "synthetic_archive",
    "synthetic_groups",
    "synthetic_guid",
    "wipe_synthetic",
    "write_manifest_files",
]
