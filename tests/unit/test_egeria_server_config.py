"""An Egeria integration daemon's OMAGServerConfig read as a daemon configuration.

The models' field names are checked against the fields of Egeria's Java classes
(odpi/egeria, admin-services-api, package
org.odpi.openmetadata.adminservices.configuration.properties), listed below as read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from engine import UsageError
from engine.daemon import (
    EGERIA_IGNORED_SECTIONS,
    DaemonConfig,
    IntegrationConnectorConfig,
    IntegrationGroupConfig,
    IntegrationServiceConfig,
    OMAGServerConfig,
    egeria_daemon_settings,
    is_egeria_server_config,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "egeria" / "integration-daemon.config"

# OMAGServerConfig.java: the private fields of the class as of Egeria 6 ...
OMAG_SERVER_CONFIG_FIELDS = [
    "versionId",
    "localServerId",
    "localServerName",
    "localServerDescription",
    "localServerType",
    "organizationName",
    "localServerURL",
    "localServerUserId",
    "localServerPassword",
    "maxPageSize",
    "serverSecurityConnection",
    "eventBusConfig",
    "accessServicesConfig",
    "dynamicIntegrationGroupsConfig",
    "viewServicesConfig",
    "repositoryServicesConfig",
    "conformanceSuiteConfig",
    "engineHostServicesConfig",
    "auditTrail",
]
# ... and the one more field of Egeria 5.x (removed later).
OMAG_SERVER_CONFIG_5X_FIELDS = ["integrationServicesConfig"]

# OMAGServerClientConfig.java (the base of IntegrationGroupConfig and IntegrationServiceConfig):
# fields omagServerPlatformRootURL and omagServerName; Jackson names them from the getters
# getOMAGServerPlatformRootURL / getOMAGServerName, so the JSON names are these.
OMAG_SERVER_CLIENT_CONFIG_JSON_NAMES = ["omagserverPlatformRootURL", "omagserverName"]

# IntegrationGroupConfig.java
INTEGRATION_GROUP_CONFIG_FIELDS = ["integrationGroupQualifiedName"]

# IntegrationServiceConfig.java (Egeria 5.x)
INTEGRATION_SERVICE_CONFIG_FIELDS = [
    "integrationServiceId",
    "integrationServiceDevelopmentStatus",
    "integrationServiceContextManagerClass",
    "integrationServiceName",
    "integrationServiceFullName",
    "integrationServiceURLMarker",
    "integrationServiceDescription",
    "integrationServiceWiki",
    "integrationServicePartnerOMAS",
    "defaultPermittedSynchronization",
    "integrationServiceOperationalStatus",
    "integrationServiceOptions",
    "integrationConnectorConfigs",
]

# IntegrationConnectorConfig.java (Egeria 5.x)
INTEGRATION_CONNECTOR_CONFIG_FIELDS = [
    "connectorId",
    "connectorName",
    "connectorUserId",
    "connection",
    "metadataSourceQualifiedName",
    "refreshTimeInterval",
    "usesBlockingCalls",
    "permittedSynchronization",
    "generateIntegrationReports",
]


def json_names(model: type[BaseModel]) -> set[str]:
    """The JSON names a model reads, without Egeria's ``class`` discriminator."""
    return {f.alias or name for name, f in model.model_fields.items()} - {"class"}


@pytest.mark.parametrize(
    ("model", "java_fields"),
    [
        (OMAGServerConfig, OMAG_SERVER_CONFIG_FIELDS + OMAG_SERVER_CONFIG_5X_FIELDS),
        (
            IntegrationGroupConfig,
            INTEGRATION_GROUP_CONFIG_FIELDS + OMAG_SERVER_CLIENT_CONFIG_JSON_NAMES,
        ),
        (
            IntegrationServiceConfig,
            INTEGRATION_SERVICE_CONFIG_FIELDS + OMAG_SERVER_CLIENT_CONFIG_JSON_NAMES,
        ),
        (IntegrationConnectorConfig, INTEGRATION_CONNECTOR_CONFIG_FIELDS),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_model_fields_are_the_java_class_fields(
    model: type[BaseModel], java_fields: list[str]
) -> None:
    assert json_names(model) == set(java_fields)
    assert model.model_fields["class_name"].alias == "class"


def test_every_section_but_the_used_ones_has_a_reason() -> None:
    used = {"localServerName", "dynamicIntegrationGroupsConfig", "integrationServicesConfig"}
    assert set(EGERIA_IGNORED_SECTIONS) == set(OMAG_SERVER_CONFIG_FIELDS) - used
    assert all(reason.strip() for reason in EGERIA_IGNORED_SECTIONS.values())


def sample_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return document


def test_sample_gives_server_name_groups_and_one_note_per_ignored_section() -> None:
    document = sample_document()
    assert is_egeria_server_config(document)
    settings = egeria_daemon_settings(document)
    assert settings.server_name == "example-daemon"
    assert settings.groups == [
        "Example:IntegrationGroup:Files",
        "Example:IntegrationGroup:Databases",
    ]
    ignored = {
        "versionId",
        "localServerId",
        "localServerDescription",
        "localServerURL",
        "localServerUserId",
        "maxPageSize",
        "repositoryServicesConfig",
        "auditTrail",
    }
    assert len(settings.notes) == len(ignored)
    sections = [note.split(" ", 1)[0] for note in settings.notes]
    assert sorted(sections) == sorted(ignored)
    for note in settings.notes:
        section = note.split(" ", 1)[0]
        assert note == f"{section} ignored: {EGERIA_IGNORED_SECTIONS[section]}"
    repository = next(n for n in settings.notes if n.startswith("repositoryServicesConfig"))
    assert "Neo4j replaces the metadata access server" in repository


def test_unknown_sections_are_reported_and_unknown_fields_ignored() -> None:
    document = sample_document()
    document["somethingNew"] = {"a": 1}
    document["dynamicIntegrationGroupsConfig"][0]["futureField"] = True
    settings = egeria_daemon_settings(document)
    assert "somethingNew ignored: not an integration daemon setting" in settings.notes
    assert len(settings.groups) == 2


def egeria_5x_document() -> dict[str, Any]:
    connection = {
        "class": "Connection",
        "connectorType": {
            "class": "ConnectorType",
            "connectorProviderClassName": "org.example.files.FolderMonitorProvider",
        },
    }
    return {
        "class": "OMAGServerConfig",
        "versionId": "V2.0",
        "localServerName": "old-daemon",
        "integrationServicesConfig": [
            {
                "class": "IntegrationServiceConfig",
                "integrationServiceName": "Files Integrator",
                "omagserverName": "metadata-store",
                "integrationConnectorConfigs": [
                    {
                        "class": "IntegrationConnectorConfig",
                        "connectorName": "FolderMonitor",
                        "connection": connection,
                        "refreshTimeInterval": 10,
                    },
                    {"class": "IntegrationConnectorConfig", "connectorId": "c-2"},
                ],
            }
        ],
        "dynamicIntegrationGroupsConfig": [
            {"class": "IntegrationGroupConfig", "integrationGroupQualifiedName": "group.a"},
            {"class": "IntegrationGroupConfig", "integrationGroupQualifiedName": "group.a"},
        ],
    }


def test_egeria_5x_connectors_are_reported_as_not_supported_by_name() -> None:
    settings = egeria_daemon_settings(egeria_5x_document())
    assert settings.server_name == "old-daemon"
    assert settings.groups == ["group.a"]
    connector_notes = [n for n in settings.notes if n.startswith("integrationServicesConfig")]
    assert len(connector_notes) == 2
    first, second = connector_notes
    assert "FolderMonitor (org.example.files.FolderMonitorProvider)" in first
    assert "of integration service Files Integrator" in first
    assert "is not supported" in first
    assert "connector c-2 " in second
    assert [n.split(" ", 1)[0] for n in settings.notes if n not in connector_notes] == ["versionId"]


def test_an_empty_integration_services_section_is_reported_once() -> None:
    document = egeria_5x_document()
    document["integrationServicesConfig"] = []
    notes = egeria_daemon_settings(document).notes
    assert [n for n in notes if n.startswith("integrationServicesConfig")] == [
        "integrationServicesConfig ignored: integration services (Egeria 5.x) are not"
        " supported; connectors run from dynamic integration groups"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"localServerName": None}, "has no localServerName"),
        ({"dynamicIntegrationGroupsConfig": []}, "names no integrationGroupQualifiedName"),
        ({"dynamicIntegrationGroupsConfig": "nope"}, "dynamicIntegrationGroupsConfig"),
    ],
)
def test_unusable_documents_are_usage_errors(change: dict[str, Any], message: str) -> None:
    document = {**sample_document(), **change}
    with pytest.raises(UsageError, match=message):
        egeria_daemon_settings(document, source="daemon.config")


def test_only_an_omag_server_config_class_is_recognised() -> None:
    assert not is_egeria_server_config({"groups": ["a"]})
    assert not is_egeria_server_config({"class": "IntegrationGroupConfig"})
    assert not is_egeria_server_config(["OMAGServerConfig"])


def test_daemon_config_load_reads_an_egeria_document() -> None:
    config, notes = DaemonConfig.load(SAMPLE)
    assert config.server_name == "example-daemon"
    assert config.groups == [
        "Example:IntegrationGroup:Files",
        "Example:IntegrationGroup:Databases",
    ]
    assert config.missing_groups == "report"
    assert len(notes) == 8
    assert DaemonConfig.from_file(SAMPLE) == config


def test_a_switchboard_configuration_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "daemon.yaml"
    path.write_text("serverName: sb\ngroups: [g.one]\n", encoding="utf-8")
    config, notes = DaemonConfig.load(path)
    assert (config.server_name, config.groups, config.missing_groups, notes) == (
        "sb",
        ["g.one"],
        "fail",
        [],
    )
    path.write_text("groups: [g.one]\nlocalServerName: x\n", encoding="utf-8")
    with pytest.raises(UsageError, match="localServerName: Extra inputs are not permitted"):
        DaemonConfig.from_file(path)


def test_a_switchboard_configuration_can_run_an_egeria_one_with_its_aliases(
    tmp_path: Path,
) -> None:
    path = tmp_path / "daemon.yaml"
    path.write_text(
        f"egeriaServerConfig: {SAMPLE}\n"
        "aliases: {org.example.JavaProvider: 'example.connectors:Provider'}\n"
        "pollInterval: 3\n",
        encoding="utf-8",
    )
    config, notes = DaemonConfig.load(path)
    assert config.server_name == "example-daemon"
    assert config.groups == egeria_daemon_settings(sample_document()).groups
    assert config.aliases == {"org.example.JavaProvider": "example.connectors:Provider"}
    assert (config.poll_interval, config.missing_groups) == (3.0, "report")
    assert len(notes) == 8

    (tmp_path / "egeria").mkdir()
    (tmp_path / "egeria" / "daemon.config").write_text(SAMPLE.read_text(), encoding="utf-8")
    path.write_text(
        "egeriaServerConfig: egeria/daemon.config\nserverName: mine\nmissingGroups: fail\n",
        encoding="utf-8",
    )
    config = DaemonConfig.from_file(path)
    assert (config.server_name, config.missing_groups) == ("mine", "fail")
    assert len(config.groups) == 2


def test_egeria_server_config_key_errors(tmp_path: Path) -> None:
    path = tmp_path / "daemon.yaml"
    path.write_text(f"egeriaServerConfig: {SAMPLE}\ngroups: [g.one]\n", encoding="utf-8")
    with pytest.raises(UsageError, match="either 'groups' or 'egeriaServerConfig'"):
        DaemonConfig.from_file(path)
    other = tmp_path / "other.yaml"
    other.write_text("groups: [g.one]\n", encoding="utf-8")
    path.write_text("egeriaServerConfig: other.yaml\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not an Egeria server configuration"):
        DaemonConfig.from_file(path)
    path.write_text("egeriaServerConfig: absent.config\n", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot read daemon configuration"):
        DaemonConfig.from_file(path)
