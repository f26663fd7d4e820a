"""The graph writer: the one package that runs write statements (besides the schema's DDL).

Every write strategy lives here:

* **MERGE upserts** on an element's ``qualifiedName`` (and a relationship's ends, plus
  ``catalogTargetName`` for catalog targets) inside a managed transaction
  (:func:`write_elements_tx`, :func:`write_relationships_tx`). The Cypher write-locks each
  node or relationship before comparing it with the desired properties, so ``version`` goes
  up by exactly 1 on a real change and stays put on an idempotent re-write, even with
  concurrent writers. A write may carry the version it expects; when the element (or
  relationship) has moved on, :class:`~engine.errors.ConflictError` is raised and nothing of
  that transaction is kept.
* **Creates of what a read proved absent**: MERGE ... ON CREATE that falls back to the
  upsert (:func:`create_elements_tx`, :func:`create_relationships_tx`), and the lean plain
  CREATE (:func:`create_new_elements_tx`, :func:`create_new_relationships_tx`,
  :func:`write_archive_tx`) that the uniqueness constraints still guard: a concurrent
  writer's element makes it fail with :class:`~engine.errors.ConstraintViolation`, and
  :func:`write_with_replan` then plans and writes once more with MERGE throughout.
* **Deletes and cascades** (:func:`delete_element_tx`, :func:`delete_relationships_tx`),
  the daemon's connector writes with provenance (:func:`upsert_catalogued_elements`,
  :func:`link_catalogued_elements`, :func:`delete_catalogued_elements`), bulk loads of
  pre-built rows for test and benchmark graphs, and wiping the database.

Relationship statements come from one template per strategy (``cypher/engine/relationship_*``,
``import_create_relationships``, ``history_sync_relationships_typed``): the writer fills in
the relationship type (:func:`relationship_statement`, in ``templates``), which comes from
:data:`engine.typesystem.RELATIONSHIP_TYPES`, never from input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.graph.writer.archive import (
        ArchiveWrites,
        ImportProgress,
        write_archive_tx,
    )
    from engine.graph.writer.bulk import (
        bulk_create_elements,
        bulk_create_relationships,
        bulk_relate_by_name,
        wipe_database,
        wipe_database_batched,
    )
    from engine.graph.writer.catalogued import (
        delete_catalogued_elements,
        link_catalogued_elements,
        upsert_catalogued_elements,
    )
    from engine.graph.writer.elements import (
        create_elements_tx,
        create_new_elements_tx,
        delete_element_tx,
        lock_element_tx,
        write_elements_tx,
        write_with_replan,
    )
    from engine.graph.writer.history import (
        OUTSIDE_SUMMARY,
        ChangeInfo,
        ChangeRecorder,
        CheckResult,
        PruneResult,
        RelationshipSelector,
        SyncProgress,
        active_recorder,
        check_history,
        history_paused,
        prune_history,
        recorded_work,
        recorded_write_tx,
        recording,
    )
    from engine.graph.writer.leases import (
        DESIRED_STATES,
        LEASE_STATEMENT_TIMEOUT,
        LeaseFence,
        LeaseGrant,
        acquire_leases,
        check_lease_tx,
        fenced_write,
        heartbeat_daemon,
        release_leases,
        remove_daemon,
        renew_leases,
        set_desired_state,
    )
    from engine.graph.writer.relationships import (
        create_new_relationships_tx,
        create_relationships_tx,
        delete_relationships_tx,
        write_relationships_tx,
    )
    from engine.graph.writer.templates import (
        IMPORT_CREATE_RELATIONSHIPS,
        RELATIONSHIP_CREATE,
        RELATIONSHIP_CREATE_NEW,
        RELATIONSHIP_KINDS,
        RELATIONSHIP_TEMPLATES,
        RELATIONSHIP_UPSERT,
        RelationshipKind,
        relationship_statement,
    )

__all__ = [
    "DESIRED_STATES",
    "IMPORT_CREATE_RELATIONSHIPS",
    "LEASE_STATEMENT_TIMEOUT",
    "OUTSIDE_SUMMARY",
    "RELATIONSHIP_CREATE",
    "RELATIONSHIP_CREATE_NEW",
    "RELATIONSHIP_KINDS",
    "RELATIONSHIP_TEMPLATES",
    "RELATIONSHIP_UPSERT",
    "ArchiveWrites",
    "ChangeInfo",
    "ChangeRecorder",
    "CheckResult",
    "ImportProgress",
    "LeaseFence",
    "LeaseGrant",
    "PruneResult",
    "RelationshipKind",
    "RelationshipSelector",
    "SyncProgress",
    "acquire_leases",
    "active_recorder",
    "bulk_create_elements",
    "bulk_create_relationships",
    "bulk_relate_by_name",
    "check_history",
    "check_lease_tx",
    "create_elements_tx",
    "create_new_elements_tx",
    "create_new_relationships_tx",
    "create_relationships_tx",
    "delete_catalogued_elements",
    "delete_element_tx",
    "delete_relationships_tx",
    "fenced_write",
    "heartbeat_daemon",
    "history_paused",
    "link_catalogued_elements",
    "lock_element_tx",
    "prune_history",
    "recorded_work",
    "recorded_write_tx",
    "recording",
    "relationship_statement",
    "release_leases",
    "remove_daemon",
    "renew_leases",
    "set_desired_state",
    "upsert_catalogued_elements",
    "wipe_database",
    "wipe_database_batched",
    "write_archive_tx",
    "write_elements_tx",
    "write_relationships_tx",
    "write_with_replan",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
