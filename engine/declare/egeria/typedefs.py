"""Egeria's type identities: what an exported archive names its types with.

Egeria's archive loader accepts an instance only when its ``type`` names a type the
server knows by ``typeDefName``, ``typeDefGUID`` and ``typeDefVersion``; every typed
property value names its primitive, collection or enum type by ``typeName`` and
``typeGUID``. The entity, relationship and classification types are read from
``open_metadata_types.json`` (transcribed from Egeria's ``OpenMetadataType`` enum, see
the file's description); the property-value types below are transcribed from Egeria's
``PrimitiveDefCategory``, the standard collection definitions of its
``OpenMetadataTypesArchive`` and the enums of ``frameworks.openmetadata.enums``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

TYPES_FILE = Path(__file__).with_name("open_metadata_types.json")
"""typeDefName -> typeDefGUID of Egeria's open metadata types, and their versions."""
TYPES_ARCHIVE_GUID = "bce3b0a0-662a-4f87-b8dc-844078a11a6e"
"""The archiveGUID of Egeria's Open Metadata Types archive, where the types come from."""


@dataclass(frozen=True)
class TypeDef:
    """How an instance names its type: ``typeDefName``, ``typeDefGUID``, ``typeDefVersion``."""

    name: str
    guid: str
    version: int


@functools.cache
def _type_table() -> tuple[dict[str, str], dict[str, int]]:
    doc = json.loads(TYPES_FILE.read_text(encoding="utf-8"))
    return {**doc["openMetadataTypes"], **doc["newerTypes"]}, dict(doc["versions"])


def type_def(name: str) -> TypeDef | None:
    """Egeria's identity of the entity, relationship or classification type ``name``, if known."""
    guids, versions = _type_table()
    guid = guids.get(name)
    return None if guid is None else TypeDef(name, guid, versions.get(name, 1))


PRIMITIVE_TYPES: dict[str, tuple[str, str]] = {
    "object": ("OM_PRIMITIVE_TYPE_UNKNOWN", "1c4b21f4-0b67-41a7-a6ed-2af185eb9b3b"),
    "boolean": ("OM_PRIMITIVE_TYPE_BOOLEAN", "3863f010-611c-41fe-aaae-5d4d427f863b"),
    "byte": ("OM_PRIMITIVE_TYPE_BYTE", "6b7d410a-2e8a-4d12-981a-a806449f9bdb"),
    "char": ("OM_PRIMITIVE_TYPE_CHAR", "b0abebe5-cf85-4065-86ad-f3c6360ed9c7"),
    "short": ("OM_PRIMITIVE_TYPE_SHORT", "8e95b966-ab60-46d4-a03f-40c5a1ba6c2a"),
    "int": ("OM_PRIMITIVE_TYPE_INT", "7fc49104-fd3a-46c8-b6bf-f16b6074cd35"),
    "long": ("OM_PRIMITIVE_TYPE_LONG", "33a91510-92ee-4825-9f49-facd7a6f9db6"),
    "float": ("OM_PRIMITIVE_TYPE_FLOAT", "52aeb769-37b7-4b30-b949-ddc7dcebcfa2"),
    "double": ("OM_PRIMITIVE_TYPE_DOUBLE", "e13572e8-25c3-4994-acb6-2ea66c95812e"),
    "biginteger": ("OM_PRIMITIVE_TYPE_BIGINTEGER", "8aa56e52-1076-4e0d-9b66-3873a1ed7392"),
    "bigdecimal": ("OM_PRIMITIVE_TYPE_BIGDECIMAL", "d5c8ad9f-8fee-4a64-80b3-63ce1e47f6bb"),
    "string": ("OM_PRIMITIVE_TYPE_STRING", "b34a64b9-554a-42b1-8f8a-7d5c2339f9c4"),
    "date": ("OM_PRIMITIVE_TYPE_DATE", "1bef35ca-d4f9-48db-87c2-afce4649362d"),
}
"""Primitive type name -> (``primitiveDefCategory``, type GUID), Egeria's PrimitiveDefCategory."""

COLLECTION_TYPES: dict[str, str] = {
    "map<string,string>": "005c7c14-ac84-4136-beed-959401b041f8",
    "map<string,boolean>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ab",
    "map<string,int>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ac",
    "map<string,long>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ae",
    "map<string,double>": "17211869-ed39-4ba9-bead-ffd967df65a8",
    "map<string,date>": "ee293c68-e34d-4885-a512-f927d35a5893",
    "map<string,object>": "8fa603dd-c2c5-43fc-8ff4-92141f2414ad",
    "array<string>": "0428b5d3-f824-459c-b7f5-f8151de59707",
    "array<int>": "0103fe10-98b0-4910-8ee0-21d529f7ff6d",
}
"""Collection type name -> type GUID: the standard collections of OpenMetadataTypesArchive."""


@dataclass(frozen=True)
class EnumType:
    """An Egeria enum type: its name, GUID and symbolic name -> (ordinal, description)."""

    name: str
    guid: str
    values: dict[str, tuple[int, str]]


ENUM_TYPES: dict[str, EnumType] = {
    "permittedSynchronization": EnumType(
        "PermittedSynchronization",
        "973a9f4c-93fa-43a5-a0c5-d97dbd164e78",
        {
            "BOTH_DIRECTIONS": (
                0,
                "Metadata exchange is permitted in both directions.  Synchronization is "
                "halted on a specific element if potentially clashing updates have occurred "
                "both in the third party technology and open metadata.  Such conflicts are "
                "logged on the audit log and resolved through manual stewardship.",
            ),
            "TO_THIRD_PARTY": (
                1,
                "The third party technology is logically downstream of open metadata.  This "
                "means the open metadata ecosystem is the originator and owner of the metadata "
                "being synchronized. Any updates detected in the third technology are "
                "overridden by the latest open metadata values.",
            ),
            "FROM_THIRD_PARTY": (
                2,
                "The third party technology is logically upstream (the originator and owner of "
                "the metadata).  Any updates made in open metadata are not passed to the third "
                "party technology and the third party technology is requested to refresh the "
                "open metadata version.",
            ),
            "OTHER": (99, "Another type of synchronization rule - see description property."),
        },
    ),
    "deleteMethod": EnumType(
        "DeleteMethod",
        "6d1facbf-fd37-457f-8282-4dd824a9658d",
        {
            "ARCHIVE": (
                0,
                "Archive the element using the Memento classification so it is still "
                "available for lineage queries.",
            ),
            "SOFT_DELETE": (
                1,
                "Delete the element from the active store, however it can still be restored "
                "if it has been deleted in error.",
            ),
            "LOOK_FOR_LINEAGE": (
                2,
                "If the element has lineage relationships then archive; otherwise soft-delete.",
            ),
            "PURGE": (
                3,
                "Remove the element from the repository; this can not be restored "
                "automatically.  If you need it back, you need to look in the repository "
                "backups.",
            ),
            "OTHER": (99, "Another type of delete."),
        },
    ),
    "activityStatus": EnumType(
        "ActivityStatus",
        "a6e698b0-a4f7-4a39-8c80-db0bb0f972e",
        {
            "REQUESTED": (0, "The description of the activity has been created and is pending."),
            "APPROVED": (
                1,
                "The activity is approved to run. This means that the mandatory preconditions "
                "have been satisfied.",
            ),
            "WAITING": (2, "The activity is waiting for its start time or an actor to claim it."),
            "ACTIVATING": (3, "The process that will perform the activity is being activated."),
            "IN_PROGRESS": (4, "The work for the activity is in progress."),
            "PAUSED": (5, "The work for the activity has been paused."),
            "COMPLETED": (10, "The work for the activity has successfully completed."),
            "INVALID": (
                11,
                "The activity has not happened because it is not appropriate (for example, "
                "created by an automated process as a result of a false positive).",
            ),
            "IGNORED": (
                12,
                "The activity has not been actioned because it is not important, or another "
                "activity has superseded it.",
            ),
            "FAILED": (
                13,
                "The process that is performing the work (normally an automated process) "
                "failed during start up or execution.",
            ),
            "CANCELLED": (14, "The activity was cancelled by an external caller."),
            "ABANDONED": (
                15,
                "The activity was abandoned because it is no longer relevant.  Some work may "
                "have occurred but is what stopped, probabbly in an inclomple state..",
            ),
            "OTHER": (99, "Undefined or user-defined status."),
        },
    ),
}
"""Property name -> the Egeria enum its values belong to (PermittedSynchronization,
DeleteMethod, ActivityStatus in frameworks.openmetadata.enums)."""
