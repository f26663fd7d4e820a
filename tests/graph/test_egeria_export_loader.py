"""Exported archives as Egeria's loader reads them: every instance's header, type identity
and typed values; the home and provenance of imported Egeria content kept; export ->
import -> export identical.

The field lists are transcribed from Egeria's Java classes (github odpi/egeria,
repository-services-apis ... properties.instances and archivestore.properties), named at
each list; the sample archives of ../shared/data/egeria-archives (tests skip when absent)
are Egeria's own output, used as the reference for type identities and headers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from engine import UsageError
from engine.declare import manifest as mf
from engine.declare.egeria import (
    ORIGINATOR_LICENSE,
    export_archive,
    import_archive,
    parse_archive,
    read_archive,
    type_def,
)
from engine.graph import Store
from engine.graph.writer import wipe_database
from tests.support.egeria_helpers import ARCHIVES, HOME_FIELDS, guid, sample

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
EXAMPLE_GROUPS = [
    "Switchboard:IntegrationGroup:files",
    "Switchboard:IntegrationGroup:mixed",
    "Switchboard:IntegrationGroup:sql-databases",
]
SAMPLES = ("APIsContentPack", "OpenLineageContentPack", "OrganizationInsightContentPack")
SAMPLE_GROUPS = ["Egeria:IntegrationGroup:OpenAPIs", "Egeria:IntegrationGroup:OpenLineage"]
TEST_ARCHIVES = ("virtual_connection", "proxy_refs", "proxy_defs", "old_names")
TEST_GROUPS = ["test:group:files", "test:group:proxies", "test:group:legacy"]

# InstanceAuditHeader (with InstanceElementHeader's headerVersion and Jackson's "class"):
# the fields every classification, entity and relationship may carry.
AUDIT_HEADER = {
    "class",
    "headerVersion",
    "type",
    "instanceProvenanceType",
    "metadataCollectionId",
    "metadataCollectionName",
    "replicatedBy",
    "instanceLicense",
    "createdBy",
    "updatedBy",
    "maintainedBy",
    "createTime",
    "updateTime",
    "version",
    "status",
    "statusOnDelete",
    "mappingProperties",
}
INSTANCE_HEADER = AUDIT_HEADER | {"guid", "instanceURL"}  # InstanceHeader
ALLOWED = {
    "EntityDetail": INSTANCE_HEADER
    | {"classifications", "properties"},  # EntitySummary, EntityDetail
    "EntityProxy": INSTANCE_HEADER | {"classifications", "uniqueProperties"},  # EntityProxy
    "Relationship": INSTANCE_HEADER | {"properties", "entityOneProxy", "entityTwoProxy"},
    "Classification": AUDIT_HEADER
    | {"name", "properties", "classificationOrigin", "classificationOriginGUID"},
}
# What Egeria's own archive writer sets on every instance (the sample content packs carry
# all of these; maintainedBy is left out: null means the creator maintains it).
REQUIRED_HEADER = {
    "class",
    "headerVersion",
    "type",
    "instanceProvenanceType",
    "metadataCollectionId",
    "metadataCollectionName",
    "createdBy",
    "createTime",
    "version",
    "status",
}
REQUIRED = {
    "EntityDetail": REQUIRED_HEADER | {"guid", "properties"},
    "EntityProxy": REQUIRED_HEADER | {"guid", "uniqueProperties"},
    "Relationship": REQUIRED_HEADER | {"guid", "entityOneProxy", "entityTwoProxy"},
    "Classification": REQUIRED_HEADER | {"name", "classificationOrigin"},
}
CATEGORY = {
    "EntityDetail": "ENTITY_DEF",
    "EntityProxy": "ENTITY_DEF",
    "Relationship": "RELATIONSHIP_DEF",
    "Classification": "CLASSIFICATION_DEF",
}
# InstanceType: what an instance names its type with (the rest of InstanceType is optional).
INSTANCE_TYPE = {"class", "headerVersion", "typeDefCategory", "typeDefGUID", "typeDefName"}
INSTANCE_TYPE |= {"typeDefVersion"}
# InstancePropertyValue and its subclasses PrimitivePropertyValue, EnumPropertyValue,
# MapPropertyValue, ArrayPropertyValue, StructPropertyValue.
VALUE_FIELDS = {"class", "headerVersion", "instancePropertyCategory", "typeGUID", "typeName"}
VALUE_SUBCLASS = {
    "PrimitivePropertyValue": {"primitiveDefCategory", "primitiveValue"},
    "EnumPropertyValue": {"ordinal", "symbolicName", "description"},
    "MapPropertyValue": {"mapValues", "mapElementCount"},
    "ArrayPropertyValue": {"arrayCount", "arrayValues"},
    "StructPropertyValue": {"attributes"},
}
# OpenMetadataArchiveProperties (archivestore.properties), with the fields of Egeria's newer
# archives (originatorLicense, archiveVersion); the class ignores fields it does not know.
ARCHIVE_PROPERTIES = {
    "class",
    "archiveGUID",
    "archiveName",
    "archiveDescription",
    "archiveType",
    "archiveVersion",
    "originatorName",
    "originatorOrganization",
    "originatorLicense",
    "creationDate",
    "dependsOnArchives",
}


def instances(archive: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every entity, relationship, relationship-end proxy and classification of an archive."""
    store = archive["archiveInstanceStore"]
    for entity in store["entities"]:
        yield entity
        yield from entity.get("classifications", [])
    for rel in store["relationships"]:
        yield rel
        yield rel["entityOneProxy"]
        yield rel["entityTwoProxy"]


def values(properties: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """Every typed value of an InstanceProperties, nested ones included."""
    for value in (properties or {}).get("instanceProperties", {}).values():
        yield value
        for key in ("mapValues", "arrayValues", "attributes"):
            yield from values(value.get(key))


def problems_of(instance: dict[str, Any]) -> list[str]:
    """What Egeria's loader would find missing, unknown or wrong in one instance."""
    cls = instance["class"]
    where = f"{cls} {instance.get('guid') or instance.get('name')}"
    found: list[str] = []
    if REQUIRED[cls] - set(instance):
        found.append(f"{where}: missing {sorted(REQUIRED[cls] - set(instance))}")
    if set(instance) - ALLOWED[cls]:
        found.append(f"{where}: unknown {sorted(set(instance) - ALLOWED[cls])}")
    type_ = instance["type"]
    if set(type_) != INSTANCE_TYPE:
        found.append(f"{where}: type fields {sorted(set(type_) ^ INSTANCE_TYPE)}")
    known = type_def(type_["typeDefName"])
    if known is None or (type_["typeDefGUID"], type_["typeDefVersion"]) != (
        known.guid,
        known.version,
    ):
        found.append(f"{where}: type {type_} is not Egeria's ({known})")
    if type_["typeDefCategory"] != CATEGORY[cls]:
        found.append(f"{where}: category {type_['typeDefCategory']}")
    for key in ("properties", "uniqueProperties"):
        for value in values(instance.get(key)):
            expected = VALUE_FIELDS | VALUE_SUBCLASS[value["class"]]
            if set(value) != expected:
                found.append(f"{where} {key}: value fields {sorted(set(value) ^ expected)}")
    return found


def check_loadable(archive: dict[str, Any]) -> int:
    """Assert every instance has what Egeria's loader requires; returns how many were walked."""
    assert set(archive) == {"class", "archiveProperties", "archiveInstanceStore"}
    assert archive["class"] == "OpenMetadataArchive"
    assert set(archive["archiveProperties"]) <= ARCHIVE_PROPERTIES
    walked = list(instances(archive))
    problems = [p for instance in walked for p in problems_of(instance)]
    assert problems == []
    return len(walked)


def load_examples(store: Store) -> list[str]:
    mf.apply(store, EXAMPLES)
    return EXAMPLE_GROUPS


def load_test_archives(store: Store) -> list[str]:
    for name in TEST_ARCHIVES:
        import_archive(store, read_archive(ARCHIVES / f"{name}.omarchive"))
    return TEST_GROUPS


def load_samples(store: Store) -> list[str]:
    for name in SAMPLES:
        import_archive(store, read_archive(sample(f"{name}.omarchive")))
    return SAMPLE_GROUPS


SCENARIOS: dict[str, Callable[[Store], list[str]]] = {
    "examples": load_examples,
    "test-archives": load_test_archives,
    "egeria-samples": load_samples,
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_instance_has_what_egerias_loader_requires(store: Store, scenario: str) -> None:
    groups = SCENARIOS[scenario](store)
    archive = export_archive(store, groups)
    assert check_loadable(archive) > 20


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_export_import_export_is_identical(store: Store, scenario: str) -> None:
    groups = SCENARIOS[scenario](store)
    first = export_archive(store, groups)
    wipe_database(store)
    report = import_archive(store, parse_archive(json.dumps(first), source="export"))
    assert report.warnings == []
    assert export_archive(store, groups) == first


def sample_instances() -> dict[str, dict[str, Any]]:
    """guid -> every entity (else its proxy) and relationship of Egeria's sample archives."""
    found: dict[str, dict[str, Any]] = {}
    for name in SAMPLES:
        doc = json.loads(sample(f"{name}.omarchive").read_text(encoding="utf-8"))
        for instance in instances(doc):
            if "guid" in instance and (
                instance["class"] == "EntityDetail" or instance["guid"] not in found
            ):
                found[instance["guid"]] = instance
    return found


def test_imported_egeria_content_keeps_its_home_and_type(store: Store) -> None:
    groups = load_samples(store)
    originals = sample_instances()
    archive = export_archive(store, groups)
    compared = 0
    for instance in instances(archive):
        original = originals.get(instance.get("guid", ""))
        if original is None:
            continue
        kept = (*HOME_FIELDS, "maintainedBy", "createdBy", "createTime", "version", "type")
        assert {k: instance.get(k) for k in kept} == {k: original.get(k) for k in kept}
        if instance["class"] == "EntityDetail":
            assert instance.get("classifications") == original.get("classifications")
        compared += 1
    assert compared > 50
    # Egeria's types archive, then the core content pack (the connector types are proxies
    # of it), as Egeria's own content packs list them
    assert archive["archiveProperties"]["dependsOnArchives"] == [
        "bce3b0a0-662a-4f87-b8dc-844078a11a6e",
        "09450b83-20ff-4a8b-a8fb-f9b527bbcba6",
    ]


def test_switchboard_elements_get_the_exports_home(store: Store) -> None:
    archive = export_archive(store, load_examples(store), archive_name="demo export")
    props = archive["archiveProperties"]
    assert props["archiveName"] == "demo export"
    assert props["originatorLicense"] == ORIGINATOR_LICENSE
    assert props["dependsOnArchives"] == ["bce3b0a0-662a-4f87-b8dc-844078a11a6e"]
    latest = max(i.get("updateTime", i["createTime"]) for i in instances(archive))
    assert props["creationDate"] == props["archiveVersion"] == latest
    for instance in instances(archive):
        assert instance["metadataCollectionId"] == props["archiveGUID"]
        assert instance["metadataCollectionName"] == "demo export"
        assert instance["instanceProvenanceType"] == "EXPORT_ARCHIVE"
        assert "maintainedBy" not in instance


def test_a_type_egeria_does_not_have_is_refused(
    store: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = yaml.safe_load((ROOT / "examples" / "files-group.yaml").read_text())
    manifest["elements"][0]["typeName"] = "NotAnEgeriaType"
    path = tmp_path / "odd.yaml"
    path.write_text(yaml.safe_dump(manifest))
    mf.apply(store, [path])
    with pytest.raises(UsageError) as caught:
        export_archive(store, ["Switchboard:IntegrationGroup:files"])
    assert "'NotAnEgeriaType'" in caught.value.message
    out = tmp_path / "odd.omarchive"
    result = CliRunner().invoke(
        cli, ["export-archive", "Switchboard:IntegrationGroup:files", "-o", str(out)], env=cli_env
    )
    assert result.exit_code == 2, result.output
    assert "NotAnEgeriaType" in result.output
    assert not out.exists()


def test_a_type_the_table_lacks_keeps_the_identity_it_was_imported_with(store: Store) -> None:
    doc = json.loads((ARCHIVES / "virtual_connection.omarchive").read_text(encoding="utf-8"))
    future = {"typeDefGUID": "0f0e0d0c-0b0a-4098-8765-43210fedcba9", "typeDefVersion": 3}
    newer_version = {"typeDefGUID": type_guid("IntegrationGroup"), "typeDefVersion": 2}
    for entity in doc["archiveInstanceStore"]["entities"]:
        if entity["guid"] == guid(7):  # the catalog target, a FileFolder
            entity["type"].update(typeDefName="FutureEgeriaType", **future)
        if entity["guid"] == guid(1):  # the group, at a newer version of its type
            entity["type"].update(newer_version)
    for rel in doc["archiveInstanceStore"]["relationships"]:
        for end in (rel["entityOneProxy"], rel["entityTwoProxy"]):
            if end["guid"] == guid(7):
                end["type"].update(typeDefName="FutureEgeriaType", **future)
    import_archive(store, parse_archive(json.dumps(doc), source="future"))
    archive = export_archive(store, ["test:group:files"])
    types = {
        i["guid"]: i["type"] for i in archive["archiveInstanceStore"]["entities"] if "guid" in i
    }
    assert {k: types[guid(7)][k] for k in future} == future
    assert types[guid(7)]["typeDefName"] == "FutureEgeriaType"
    assert {k: types[guid(1)][k] for k in newer_version} == newer_version
    # the rest is written with the table's identity
    assert types[guid(2)]["typeDefGUID"] == type_guid("IntegrationConnector")
    assert types[guid(2)]["typeDefVersion"] == 1


def type_guid(name: str) -> str:
    known = type_def(name)
    assert known is not None, name
    return known.guid
