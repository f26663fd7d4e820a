"""The type catalogue of SPEC.md §1-2: labels, supertypes, relationship types and the
values of the model's enumerations.

Labels and relationship types written to the graph come only from here, never
from input: a type name read from a manifest or archive is looked up in these
tables (or checked against :data:`LABEL_PATTERN`) before it reaches Cypher.
"""

from __future__ import annotations

import re

ELEMENT_SUPERTYPES: dict[str, tuple[str, ...]] = {
    "Referenceable": (),
    "IntegrationGroup": ("Referenceable", "SoftwareCapability"),
    "IntegrationConnector": (
        "Referenceable",
        "Asset",
        "Process",
        "DeployedSoftwareComponent",
        "DeployedConnector",
    ),
    "Connection": ("Referenceable",),
    "VirtualConnection": ("Referenceable", "Connection"),
    "ConnectorType": ("Referenceable",),
    "Endpoint": ("Referenceable",),
    "Asset": ("Referenceable",),
    "DataSet": ("Referenceable", "Asset"),
    "DataStore": ("Referenceable", "Asset"),
    "DataFile": ("Referenceable", "Asset", "DataStore"),
    "CSVFile": ("Referenceable", "Asset", "DataStore", "DataFile"),
    "FileFolder": ("Referenceable", "Asset", "DataStore"),
    "DataFolder": ("Referenceable", "Asset", "DataStore", "FileFolder"),
    "Database": ("Referenceable", "Asset", "DataStore"),
    "SoftwareServer": ("Referenceable", "Asset", "ITInfrastructure"),
    "SoftwareCapability": ("Referenceable",),
    "Process": ("Referenceable", "Asset"),
    "DeployedSoftwareComponent": ("Referenceable", "Asset", "Process"),
    "DeployedConnector": ("Referenceable", "Asset", "Process", "DeployedSoftwareComponent"),
    "GovernanceService": (
        "Referenceable",
        "Asset",
        "Process",
        "DeployedSoftwareComponent",
        "DeployedConnector",
    ),
    "GovernanceActionService": (
        "Referenceable",
        "Asset",
        "Process",
        "DeployedSoftwareComponent",
        "DeployedConnector",
        "GovernanceService",
    ),
    "WatchdogActionService": (
        "Referenceable",
        "Asset",
        "Process",
        "DeployedSoftwareComponent",
        "DeployedConnector",
        "GovernanceService",
    ),
    "DeployedDatabaseSchema": ("Referenceable", "Asset", "DataSet"),
    "DeployedAPI": ("Referenceable", "Asset"),
    "SchemaElement": ("Referenceable",),
    "SchemaAttribute": ("Referenceable", "SchemaElement"),
    "RelationalTable": ("Referenceable", "SchemaElement", "SchemaAttribute"),
    "RelationalColumn": ("Referenceable", "SchemaElement", "SchemaAttribute"),
    "ConnectorActivityReport": ("Referenceable",),
}
"""Each known element type and the supertypes whose labels its nodes also carry."""

RELATIONSHIP_TYPES: dict[str, str] = {
    "RegisteredIntegrationConnector": "REGISTERED_INTEGRATION_CONNECTOR",
    "AssetConnection": "ASSET_CONNECTION",
    "ConnectionConnectorType": "CONNECTION_CONNECTOR_TYPE",
    "ConnectToEndpoint": "CONNECT_TO_ENDPOINT",
    "EmbeddedConnection": "EMBEDDED_CONNECTION",
    "CatalogTarget": "CATALOG_TARGET",
}
"""Egeria relationship name -> Neo4j relationship type (end 1 -> end 2)."""

REGISTERED_INTEGRATION_CONNECTOR = RELATIONSHIP_TYPES["RegisteredIntegrationConnector"]
ASSET_CONNECTION = RELATIONSHIP_TYPES["AssetConnection"]
CONNECTION_CONNECTOR_TYPE = RELATIONSHIP_TYPES["ConnectionConnectorType"]
CONNECT_TO_ENDPOINT = RELATIONSHIP_TYPES["ConnectToEndpoint"]
EMBEDDED_CONNECTION = RELATIONSHIP_TYPES["EmbeddedConnection"]
CATALOG_TARGET = RELATIONSHIP_TYPES["CatalogTarget"]

CATALOGUE_RELATIONSHIP_TYPES: dict[str, str] = {
    "NestedFile": "NESTED_FILE",
    "DataContentForDataSet": "DATA_CONTENT_FOR_DATA_SET",
    "AttributeForSchema": "ATTRIBUTE_FOR_SCHEMA",
    "NestedSchemaAttribute": "NESTED_SCHEMA_ATTRIBUTE",
}
"""Relationships that built-in connectors write between the elements they catalogue
(FileFolder -> DataFile; Database -> DeployedDatabaseSchema; schema -> RelationalTable;
RelationalTable -> RelationalColumn). Not part of a group's subgraph."""

PERMITTED_SYNCHRONIZATIONS: tuple[str, ...] = (
    "BOTH_DIRECTIONS",
    "TO_THIRD_PARTY",
    "FROM_THIRD_PARTY",
    "OTHER",
)
"""The values of PermittedSynchronization (a registration's or catalog target's)."""
DEFAULT_PERMITTED_SYNCHRONIZATION = "BOTH_DIRECTIONS"
"""A catalog target's synchronisation when neither it nor its registration names one."""
DELETE_METHODS: tuple[str, ...] = ("ARCHIVE", "SOFT_DELETE", "LOOK_FOR_LINEAGE", "PURGE", "OTHER")
"""The values of DeleteMethod."""
DEFAULT_DELETE_METHOD = "LOOK_FOR_LINEAGE"
"""A catalog target's delete method when it names none."""

LABEL_PATTERN = re.compile(r"[A-Z][A-Za-z0-9]{0,99}")
"""What a type name from input must look like before it may become a label."""


def labels_for(type_name: str) -> tuple[str, ...]:
    """All labels of a node of ``type_name``: its supertypes, then itself.

    Unknown types (any catalog target may be of a type Switchboard does not
    model) get ``Referenceable`` plus their own name, after checking the
    name against :data:`LABEL_PATTERN`; raises ``ValueError`` otherwise.
    """
    if not LABEL_PATTERN.fullmatch(type_name):
        raise ValueError(f"{type_name!r} is not a valid type name (expected e.g. 'FileFolder')")
    supers = ELEMENT_SUPERTYPES.get(type_name, ("Referenceable",))
    ordered = [*supers, type_name]
    return tuple(dict.fromkeys(ordered))
