"""Manifests against a real Neo4j: apply, idempotence, export round trip, prune, bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli
from engine import ManifestError
from engine.declare import manifest as mf
from engine.graph import Store, get_element, get_relationships
from engine.graph.writer import wipe_database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GROUPS = [
    "Switchboard:IntegrationGroup:files",
    "Switchboard:IntegrationGroup:mixed",
    "Switchboard:IntegrationGroup:sql-databases",
]


def checksum(store: Store) -> str:
    """A digest of every node and relationship with labels/type and properties."""
    rows = store.read("db_snapshot")
    text = json.dumps(rows, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def minimal(**registration: Any) -> dict[str, Any]:
    return {
        "connectorTypes": [{"qualifiedName": "ct", "connectorProviderClassName": "m:P"}],
        "integrationGroups": [
            {
                "qualifiedName": "g",
                "connectors": [
                    {
                        "qualifiedName": "c",
                        "registration": {"connectorName": "c", **registration},
                        "connection": {"qualifiedName": "conn", "connectorType": "ct"},
                    }
                ],
            }
        ],
    }


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


# ------------------------------------------------------------------ examples
def test_examples_apply_reapply_with_zero_changes(store: Store) -> None:
    report = mf.apply(store, EXAMPLES, validator=mf.validate_in_transaction)
    assert report.counts["create"] > 0 and report.counts["update"] == 0
    again = mf.apply(store, EXAMPLES, validator=mf.validate_in_transaction)
    assert again.changes == 0
    assert again.counts["unchanged"] == report.counts["create"]
    dry = mf.apply(store, EXAMPLES, dry_run=True)
    assert dry.changes == 0


def test_examples_shape_in_graph(store: Store) -> None:
    mf.apply(store, EXAMPLES)
    connector = get_element(store, "Switchboard:IntegrationConnector:landing-files-monitor")
    assert "DeployedConnector" in connector.labels
    (conn,) = get_relationships(store, connector.qualifiedName, "AssetConnection")
    (ctype,) = get_relationships(store, conn.to, "ConnectionConnectorType")
    provider = get_element(store, ctype.to).element
    assert getattr(provider, "connectorProviderClassName", None) == (
        "engine.connectors.files:DataFilesMonitorProvider"
    )
    virtual = get_element(store, "Switchboard:VirtualConnection:secured-warehouse")
    assert virtual.labels[-1] == "VirtualConnection"
    (emb,) = get_relationships(store, virtual.qualifiedName, "EmbeddedConnection")
    assert getattr(emb.relationship, "displayName", None) == "warehouse-secrets"
    shared = [
        r
        for c in ("Switchboard:Connection:archive-cataloguer", virtual.qualifiedName)
        for r in get_relationships(store, c, "ConnectionConnectorType")
    ]
    assert {r.to for r in shared} == {"Mixed:ConnectorType:SqlDatabaseCataloguer"}


def test_export_apply_on_empty_export_is_identical(store: Store, tmp_path: Path) -> None:
    mf.apply(store, EXAMPLES)
    first = mf.dump_document(mf.export_manifest(store, GROUPS))
    path = write(tmp_path, "export.yaml", first)
    wipe_database(store)
    report = mf.apply(store, [path], validator=mf.validate_in_transaction)
    assert report.counts["create"] > 0
    assert mf.dump_document(mf.export_manifest(store, GROUPS)) == first
    assert mf.apply(store, [path]).changes == 0


def test_cli_export_json_round_trip(store: Store, cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["apply", "-f", str(ROOT / "examples")], env=cli_env).exit_code == 0
    out = tmp_path / "groups.json"
    result = runner.invoke(cli, ["export", *GROUPS, "-o", str(out)], env=cli_env)
    assert result.exit_code == 0, result.output
    first = out.read_text()
    wipe_database(store)
    result = runner.invoke(cli, ["apply", "-f", str(out), "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["update"] == 0
    result = runner.invoke(cli, ["export", *GROUPS, "--format", "json"], env=cli_env)
    assert result.stdout == first


def test_update_reports_property_diff_and_bumps_version(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.yaml", minimal(refreshTimeInterval=5))
    mf.apply(store, [path])
    changed = write(tmp_path, "m.yaml", minimal(refreshTimeInterval=10))
    plan = mf.apply(store, [changed], dry_run=True)
    (update,) = [c for c in plan.plan.changes if c.action == "update"]
    assert update.name == "g -> c" and update.diff == {"refreshTimeInterval": (5, 10)}
    report = mf.apply(store, [changed])
    assert report.counts["update"] == 1 and report.changes == 1
    (reg,) = get_relationships(store, "g", "RegisteredIntegrationConnector")
    assert reg.audit.version == 2


def test_connector_registered_in_two_groups_round_trips(store: Store, tmp_path: Path) -> None:
    data = minimal()
    data["integrationGroups"].append(
        {
            "qualifiedName": "g2",
            "connectors": [{"connector": "c", "registration": {"connectorName": "c-in-g2"}}],
        }
    )
    path = write(tmp_path, "m.yaml", data)
    mf.apply(store, [path], validator=mf.validate_in_transaction)
    regs = get_relationships(store, "g2", "RegisteredIntegrationConnector")
    assert [r.to for r in regs] == ["c"]
    first = mf.dump_document(mf.export_manifest(store, ["g", "g2"]))
    exported = yaml.safe_load(first)
    assert exported["integrationGroups"][1]["connectors"][0]["connector"] == "c"
    wipe_database(store)
    mf.apply(store, [write(tmp_path, "export.yaml", first)])
    assert mf.dump_document(mf.export_manifest(store, ["g", "g2"])) == first


def test_connection_links_follow_the_manifest(store: Store, tmp_path: Path) -> None:
    data = minimal()
    data["endpoints"] = [{"qualifiedName": "ep1"}, {"qualifiedName": "ep2"}]
    data["integrationGroups"][0]["connectors"][0]["connection"]["endpoint"] = "ep1"
    mf.apply(store, [write(tmp_path, "m.yaml", data)])
    data["integrationGroups"][0]["connectors"][0]["connection"]["endpoint"] = "ep2"
    report = mf.apply(store, [write(tmp_path, "m.yaml", data)])
    assert report.counts["delete"] == 1 and report.counts["create"] == 1
    assert [r.to for r in get_relationships(store, "conn", "ConnectToEndpoint")] == ["ep2"]


def test_prune_removes_undeclared_registrations_and_targets(store: Store, tmp_path: Path) -> None:
    data = minimal()
    group = data["integrationGroups"][0]
    group["connectors"].extend(
        {
            "qualifiedName": f"c{i}",
            "registration": {"connectorName": f"c{i}"},
            "connection": {"qualifiedName": f"conn{i}", "connectorType": "ct"},
        }
        for i in range(3)
    )
    mf.apply(store, [write(tmp_path, "m.yaml", data)])
    group["connectors"] = group["connectors"][:3]
    path = write(tmp_path, "m.yaml", data)
    assert mf.apply(store, [path]).counts["delete"] == 0
    report = mf.apply(store, [path], prune=True)
    assert report.counts["delete"] == 1
    assert len(get_relationships(store, "g", "RegisteredIntegrationConnector")) == 3
    assert get_element(store, "c2").qualifiedName == "c2"  # unregistered, not deleted


def test_prune_refuses_more_than_threshold_without_force(store: Store, tmp_path: Path) -> None:
    mf.apply(store, [write(tmp_path, "m.yaml", minimal())])
    empty = {"integrationGroups": [{"qualifiedName": "g"}]}
    path = write(tmp_path, "empty.yaml", empty)
    before = checksum(store)
    with pytest.raises(ManifestError, match="would delete 1 of 1"):
        mf.apply(store, [path], prune=True)
    assert checksum(store) == before
    assert mf.apply(store, [path], prune=True, force=True).counts["delete"] == 1


def test_validator_runs_inside_the_transaction_and_rolls_back(store: Store, tmp_path: Path) -> None:
    seen: list[list[str]] = []

    def validator(st: Store, tx: Any, groups: Any) -> None:
        seen.append(list(groups))
        # The state about to be committed is visible here.
        rows = st.run(tx, "elements_read", {"qualifiedNames": ["g"]})
        assert rows and rows[0]["typeName"] == "IntegrationGroup"
        raise ManifestError("rejected by validator")

    before = checksum(store)
    with pytest.raises(ManifestError, match="rejected by validator"):
        mf.apply(store, [write(tmp_path, "m.yaml", minimal())], validator=validator)
    assert seen == [["g"]]
    assert checksum(store) == before


def _repeated_target_names() -> dict[str, Any]:
    doc = minimal()
    doc["elements"] = [
        {"typeName": "FileFolder", "qualifiedName": "folder-a"},
        {"typeName": "FileFolder", "qualifiedName": "folder-b"},
    ]
    doc["integrationGroups"][0]["connectors"][0]["catalogTargets"] = [
        {"element": "folder-a", "catalogTargetName": "landing"},
        {"element": "folder-b", "catalogTargetName": "landing"},
    ]
    return doc


def test_apply_reports_validator_warnings(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "m.yaml", _repeated_target_names())
    report = mf.apply(store, [path], validator=mf.validate_in_transaction)
    assert report.counts["create"] > 0  # a warning does not block the apply
    assert [(w["rule"], w["severity"], w["connector"]) for w in report.warnings] == [
        ("SB023", "warning", "c")
    ]
    assert report.as_dict()["warnings"] == report.warnings
    # Without a validator there is nothing to report.
    assert mf.apply(store, [path]).warnings == []


def test_cli_apply_prints_warnings(store: Store, cli_env: dict[str, str], tmp_path: Path) -> None:
    path = str(write(tmp_path, "m.yaml", _repeated_target_names()))
    runner = CliRunner()
    result = runner.invoke(cli, ["apply", "-f", path], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "1 warning(s)" in result.output
    assert "SB023 g c:" in result.output
    assert "fix:" in result.output
    again = runner.invoke(cli, ["apply", "-f", path, "--json"], env=cli_env)
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert data["changes"] == 0
    assert [w["rule"] for w in data["warnings"]] == ["SB023"]
    quiet = runner.invoke(cli, ["apply", "-f", path, "--no-validate"], env=cli_env)
    assert quiet.exit_code == 0 and "warning" not in quiet.output


def test_schema_is_generated_from_the_models() -> None:
    schema = mf.manifest_json_schema()
    registration = schema["$defs"]["RegisteredIntegrationConnector"]["properties"]
    assert registration["refreshTimeInterval"]["anyOf"][0]["minimum"] == 0
    assert "PermittedSynchronization" in schema["$defs"]
    assert schema["additionalProperties"] is False


def test_committed_schema_is_current() -> None:
    """docs/manifest.schema.json is regenerated with 'switchboard schema -o ...'."""
    committed = json.loads((ROOT / "docs" / "manifest.schema.json").read_text())
    assert committed == mf.manifest_json_schema()


def test_cli_prune_refusal_exits_2(store: Store, cli_env: dict[str, str], tmp_path: Path) -> None:
    mf.apply(store, [write(tmp_path, "m.yaml", minimal())])
    path = str(write(tmp_path, "empty.yaml", {"integrationGroups": [{"qualifiedName": "g"}]}))
    before = checksum(store)
    result = CliRunner().invoke(cli, ["apply", "-f", path, "--prune"], env=cli_env)
    assert result.exit_code == 2
    assert "--prune would delete 1 of 1" in result.stderr and "--force" in result.stderr
    assert checksum(store) == before


def test_cli_schema_prints_json_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Manifest"


def test_cli_get_and_delete(store: Store, cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    path = write(tmp_path, "m.yaml", minimal())
    assert runner.invoke(cli, ["apply", "-f", str(path)], env=cli_env).exit_code == 0
    got = runner.invoke(cli, ["get", "c", "--json"], env=cli_env)
    assert got.exit_code == 0, got.output
    data = json.loads(got.stdout)
    assert data["version"] == 1 and data["relationships"][0]["to"] == "conn"
    deleted = runner.invoke(cli, ["delete", "c", "--yes"], env=cli_env)
    assert deleted.exit_code == 0, deleted.output
    missing = runner.invoke(cli, ["get", "c"], env=cli_env)
    assert missing.exit_code == 1 and "no element" in missing.stderr


# ------------------------------------------------------------------ bad input
BAD_CASES: list[tuple[str, str, str]] = [
    (
        "syntax.yaml",
        "integrationGroups:\n  - qualifiedName: g\n    connectors: [\n",
        "syntax.yaml:4:1: invalid YAML",
    ),
    ("syntax.json", '{"integrationGroups": [}', "syntax.json:1:24: invalid JSON"),
]


@pytest.fixture
def populated(store: Store) -> Store:
    mf.apply(store, EXAMPLES)
    return store


def _bad(tmp_path: Path, name: str, data: Any) -> list[str]:
    return ["apply", "-f", str(write(tmp_path, name, data))]


def _with(change: Any) -> dict[str, Any]:
    data = minimal()
    change(data)
    return data


def _connector(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = data["integrationGroups"][0]["connectors"][0]
    return result


BAD_DOCUMENTS: list[tuple[str, dict[str, Any], str]] = [
    (
        "negative-refresh",
        minimal(refreshTimeInterval=-1),
        "integrationGroups[0].connectors[0].registration.refreshTimeInterval: must be >= 0",
    ),
    (
        "unknown-key",
        minimal(refreshInterval=5),
        "integrationGroups[0].connectors[0].registration: unknown key 'refreshInterval'; "
        "did you mean 'refreshTimeInterval'?",
    ),
    (
        "unknown-top-key",
        {**minimal(), "integrationGroup": []},
        "unknown key 'integrationGroup'; did you mean 'integrationGroups'?",
    ),
    (
        "unknown-key-in-connector",
        _with(lambda d: _connector(d).update(usesBlockingCall=True)),
        "integrationGroups[0].connectors[0]: unknown key 'usesBlockingCall'; "
        "did you mean 'usesBlockingCalls'?",
    ),
    (
        "dangling-connector-registration",
        _with(
            lambda d: d["integrationGroups"][0]["connectors"].append(
                {"connector": "c-missing", "registration": {"connectorName": "x"}}
            )
        ),
        "connectors[1].connector: dangling reference 'c-missing'",
    ),
    (
        "missing-connector-name",
        _with(lambda d: _connector(d)["registration"].pop("connectorName")),
        "integrationGroups[0].connectors[0].registration.connectorName: required",
    ),
    (
        "bad-enum",
        minimal(permittedSynchronization="SIDEWAYS"),
        "registration.permittedSynchronization: must be one of",
    ),
    (
        "naive-date",
        minimal(startDate="2026-01-01T00:00:00"),
        "registration.startDate: must include a timezone",
    ),
    (
        "start-after-shutdown",
        minimal(startDate="2026-02-01T00:00:00Z", connectorShutdownDate="2026-01-01T00:00:00Z"),
        "startDate must not be after connectorShutdownDate",
    ),
    (
        "duplicate-qualified-name",
        _with(lambda d: d["connectorTypes"].append({"qualifiedName": "ct"})),
        "duplicate qualifiedName 'ct'",
    ),
    (
        "duplicate-across-sections",
        _with(lambda d: d.setdefault("endpoints", []).append({"qualifiedName": "conn"})),
        "duplicate qualifiedName 'conn'",
    ),
    (
        "dangling-reference",
        _with(lambda d: _connector(d)["connection"].update(connectorType="ct-typo")),
        "connection.connectorType: dangling reference 'ct-typo': declared in no file and not "
        "in the database; did you mean 'ct'?",
    ),
    (
        "reference-of-wrong-type",
        _with(lambda d: _connector(d)["connection"].update(endpoint="ct")),
        "'ct' is a ConnectorType, expected Endpoint",
    ),
    (
        "plaintext-secured-property",
        _with(
            lambda d: _connector(d)["connection"].update(securedProperties={"password": "hunter2"})
        ),
        "connection.securedProperties.password: looks like a plaintext secret",
    ),
    (
        "plaintext-clear-password",
        _with(lambda d: _connector(d)["connection"].update(clearPassword="s3cret!")),
        "connection.clearPassword: looks like a plaintext secret",
    ),
    (
        "empty-env-reference",
        _with(lambda d: _connector(d)["connection"].update(encryptedPassword="env:")),
        "connection.encryptedPassword: looks like a plaintext secret",
    ),
    (
        "embedding-cycle",
        {
            "connections": [
                {
                    "qualifiedName": "v1",
                    "typeName": "VirtualConnection",
                    "embeddedConnections": [{"connection": "v2"}],
                },
                {
                    "qualifiedName": "v2",
                    "typeName": "VirtualConnection",
                    "embeddedConnections": [{"connection": "v1"}],
                },
            ]
        },
        "embedded connections form a cycle",
    ),
    (
        "plain-connection-embeds",
        _with(
            lambda d: _connector(d)["connection"].update(
                embeddedConnections=[{"connection": {"qualifiedName": "x"}}]
            )
        ),
        "only a VirtualConnection embeds connections",
    ),
    (
        "reference-not-a-string-or-mapping",
        _with(lambda d: _connector(d).update(connection=42)),
        "integrationGroups[0].connectors[0].connection: must be a qualifiedName (string) or a "
        "mapping",
    ),
    (
        "validation-rule",
        _with(lambda d: _connector(d).pop("connection")),
        "validation failed; nothing was written",
    ),
    ("not-a-mapping", [1, 2], "a manifest must be a mapping"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_syntax_exits_2_and_changes_nothing(
    populated: Store, cli_env: dict[str, str], tmp_path: Path, name: str, text: str, message: str
) -> None:
    before = checksum(populated)
    result = CliRunner().invoke(cli, _bad(tmp_path, name, text), env=cli_env)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert checksum(populated) == before


@pytest.mark.parametrize(
    ("name", "data", "message"), BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS]
)
def test_bad_manifest_exits_2_and_changes_nothing(
    populated: Store,
    cli_env: dict[str, str],
    tmp_path: Path,
    name: str,
    data: Any,
    message: str,
) -> None:
    before = checksum(populated)
    result = CliRunner().invoke(cli, _bad(tmp_path, f"{name}.yaml", data), env=cli_env)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.output
    assert checksum(populated) == before


def test_missing_file_exits_2(populated: Store, cli_env: dict[str, str]) -> None:
    before = checksum(populated)
    result = CliRunner().invoke(cli, ["apply", "-f", "no/such/file.yaml"], env=cli_env)
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert checksum(populated) == before


def test_bad_file_among_good_ones_writes_nothing(
    populated: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    store = populated
    wipe_database(store)
    before = checksum(store)
    bad = write(tmp_path, "bad.yaml", minimal(refreshTimeInterval=-3))
    args = ["apply", "-f", str(EXAMPLES[0]), "-f", str(bad)]
    result = CliRunner().invoke(cli, args, env=cli_env)
    assert result.exit_code == 2
    assert checksum(store) == before


def test_secret_references_are_accepted(store: Store, tmp_path: Path) -> None:
    data = minimal()
    _connector(data)["connection"].update(
        securedProperties={"token": "env:API_TOKEN", "key": "file:/run/secrets/key"},
        clearPassword="env:DB_PASSWORD",
    )
    assert mf.apply(store, [write(tmp_path, "m.yaml", data)]).counts["create"] > 0


def test_cli_apply_shows_plan_then_summary(
    store: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    path = str(write(tmp_path, "m.yaml", minimal(refreshTimeInterval=5)))
    dry = runner.invoke(cli, ["apply", "-f", path, "--dry-run"], env=cli_env)
    assert dry.exit_code == 0, dry.output
    assert "IntegrationConnector" in dry.stdout and "would change 7" in dry.stdout
    assert mf.apply(store, [path], dry_run=True).changes == 7  # dry run wrote nothing
    first = runner.invoke(cli, ["apply", "-f", path], env=cli_env)
    assert "changed 7: 7 created" in first.stdout
    again = runner.invoke(cli, ["apply", "-f", path], env=cli_env)
    assert "changed 0:" in again.stdout and "create" not in again.stdout.split("changed")[0]
    changed = str(write(tmp_path, "m.yaml", minimal(refreshTimeInterval=6)))
    update = runner.invoke(cli, ["apply", "-f", changed], env=cli_env)
    assert "refreshTimeInterval: 5 -> 6" in " ".join(update.stdout.split())


def test_progress_is_reported(store: Store, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    mf.apply(
        store,
        [write(tmp_path, "m.yaml", minimal())],
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert calls and calls[-1][1] == calls[-1][2] == 7
