"""Nesting deeper than a parser can follow is bad input: each reader raises its typed error
(exit 2) naming the file, never RecursionError."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import ArchiveError, ManifestError, UsageError
from engine.daemon import DaemonConfig
from engine.declare.egeria import parse_archive, read_archive
from engine.declare.manifest import read_documents

DEPTH = 100_000


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_map(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", nested_map(DEPTH)),
        ("deep-list.json", nested_list(DEPTH)),
        ("deep.yaml", f"integrationGroups: {nested_list(DEPTH)}\n"),
        ("deep-block.yml", "- " * DEPTH + "1\n"),
    ],
)
def test_manifest_reader_refuses_any_depth(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ManifestError) as caught:
        read_documents(path)
    assert caught.value.exit_code == 2
    assert str(path) in caught.value.message
    assert "\n" not in caught.value.message


def test_archive_reader_refuses_any_depth(tmp_path: Path) -> None:
    path = tmp_path / "deep.omarchive"
    path.write_text(
        '{"archiveProperties": {}, "archiveInstanceStore": {"entities": ['
        + nested_list(DEPTH)
        + "]}}"
    )
    with pytest.raises(ArchiveError) as caught:
        read_archive(path)
    assert caught.value.exit_code == 2
    assert str(path) in caught.value.message
    assert "\n" not in caught.value.message


def test_archive_parser_refuses_a_loaded_document_nested_past_the_recursion_limit() -> None:
    """A document already loaded (not through JSON) whose property values nest past what the
    value decoding can follow."""
    value: dict[str, object] = {"class": "PrimitivePropertyValue", "primitiveValue": 1}
    for _ in range(5_000):
        value = {"class": "MapPropertyValue", "mapValues": {"instanceProperties": {"k": value}}}
    entity = {
        "class": "EntityDetail",
        "guid": "g-1",
        "type": {"typeDefName": "IntegrationGroup"},
        "properties": {"instanceProperties": {"qualifiedName": value}},
    }
    document = {"archiveInstanceStore": {"entities": [entity], "relationships": []}}
    with pytest.raises(ArchiveError) as caught:
        parse_archive(document, source="loaded.omarchive")
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith("loaded.omarchive: nested deeper")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("daemon.json", '{"groups": ' + nested_list(DEPTH) + "}"),
        ("daemon.yaml", f"groups: {nested_list(DEPTH)}\n"),
    ],
)
def test_daemon_configuration_reader_refuses_any_depth(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        DaemonConfig.load(path)
    assert caught.value.exit_code == 2
    assert str(path) in caught.value.message
    assert "\n" not in caught.value.message
