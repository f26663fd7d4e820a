"""Egeria open metadata archives (``.omarchive``): import into the graph, export from it.

An archive is JSON (SPEC.md §6): ``archiveProperties`` and
``archiveInstanceStore{entities[], relationships[]}``. Entities carry a guid,
``type.typeDefName``, typed ``properties.instanceProperties`` and
``classifications``; relationships carry ``entityOneProxy``/``entityTwoProxy``.

What an import loads
    every entity of the integration-group model (IntegrationGroup,
    IntegrationConnector, Connection and VirtualConnection, ConnectorType,
    Endpoint, and subtypes the type system knows), every relationship of
    :data:`engine.typesystem.RELATIONSHIP_TYPES` (old names of SPEC.md §6
    read), and every element at either end of such a relationship -- which
    covers catalog targets and the assets of connections. Everything else is
    skipped and counted by type in the :class:`ImportReport`.

How it is stored (the conventions every writer shares)
    nodes carry ``labels_for(typeName)``, Egeria's ``guid``, ``qualifiedName``,
    ``typeName`` and the audit fields; other properties go through
    :func:`engine.graph.graphmap.encode_properties`. Classifications are kept as
    JSON in ``classifications`` (a list of ``{typeName, properties}``); the
    anchor is also lifted to an ``anchorGUID`` property and a ``Template``
    classification adds the ``Template`` label, so both can be queried
    directly. An end that an archive references but does not define becomes a
    placeholder with ``isProxy: true`` and the proxy's unique properties (a
    proxy without a qualifiedName gets ``<typeName>::<guid>`` and
    ``qualifiedNameDerived: true``); a later archive that defines it fills it
    in place. Imported elements, proxies and relationships keep the archive's
    instance header: the audit fields (``version``, ``createTime``,
    ``updateTime``, ``createdBy``, ``updatedBy``) and, under Egeria's names,
    their home (``metadataCollectionId``, ``metadataCollectionName``,
    ``instanceProvenanceType``), ``maintainedBy``, and the type's
    ``typeDefGUID``/``typeDefVersion`` where Egeria's type table differs;
    classifications keep theirs inside the JSON, under ``header``.

What an export writes
    an archive Egeria's loader accepts: every instance names its type by
    ``typeDefName``, ``typeDefGUID`` and ``typeDefVersion`` (:mod:`.typedefs`,
    from Egeria's ``OpenMetadataType``), every property value its ``typeName``
    and ``typeGUID``; an imported instance is written with the home and
    provenance it was imported with, one Switchboard created with the export's
    own collection (``EXPORT_ARCHIVE``); ``dependsOnArchives`` names Egeria's
    types archive and the archives home to exported proxies. Export -> import
    -> export gives the same archive.

Guarantees
    one transaction per archive (all or nothing), MERGE on guid backed by the
    uniqueness constraints, idempotent (an unchanged element or relationship
    is not written, so its ``version`` and ``updateTime`` stay), and malformed
    archives are refused with :class:`~engine.errors.ArchiveError` (exit 2)
    before anything is written.

The rooms: :mod:`.archive` (reading and checking an archive), :mod:`.typedefs` (Egeria's
type identities), :mod:`.values` (typed property values, both ways), :mod:`.selection` (what an import loads), :mod:`.rows`
(the statement rows it becomes), :mod:`.planning` (against the stored graph),
:mod:`.importing` (plan and write, one transaction per archive, through
:mod:`engine.graph.writer`) and :mod:`.export` (stored groups to an archive).
"""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.declare.egeria.archive import (
        Archive,
        ArchiveEntity,
        ArchiveRelationship,
        Classification,
        EntityRef,
        Header,
        parse_archive,
        read_archive,
    )
    from engine.declare.egeria.conventions import (
        ARCHIVES_ENV,
        DEFAULT_ARCHIVES_DIR,
        sample_archives_dir,
    )
    from engine.declare.egeria.export import ORIGINATOR_LICENSE, export_archive, write_archive
    from engine.declare.egeria.importing import import_archive, import_archives, plan_import
    from engine.declare.egeria.report import ImportReport
    from engine.declare.egeria.typedefs import (
        COLLECTION_TYPES,
        ENUM_TYPES,
        PRIMITIVE_TYPES,
        EnumType,
        TypeDef,
        type_def,
    )
    from engine.declare.egeria.values import decode_value, encode_value
    from engine.graph.writer import ImportProgress

__all__ = [
    "ARCHIVES_ENV",
    "COLLECTION_TYPES",
    "DEFAULT_ARCHIVES_DIR",
    "ENUM_TYPES",
    "ORIGINATOR_LICENSE",
    "PRIMITIVE_TYPES",
    "Archive",
    "ArchiveEntity",
    "ArchiveRelationship",
    "Classification",
    "EntityRef",
    "EnumType",
    "Header",
    "ImportProgress",
    "ImportReport",
    "TypeDef",
    "decode_value",
    "encode_value",
    "export_archive",
    "import_archive",
    "import_archives",
    "parse_archive",
    "plan_import",
    "read_archive",
    "sample_archives_dir",
    "type_def",
    "write_archive",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
