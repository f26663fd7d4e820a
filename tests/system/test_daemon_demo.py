"""The main job: 'switchboard demo --once' creates the demo data, applies examples/ and
runs every example connector once, successfully."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from engine.graph import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.timeout(300)
def test_demo_once_runs_every_example_connector(
    cli_env: dict[str, str], store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["demo", "--once", "--port", "0"], env={**cli_env, "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "landing" / "customers.csv").exists()
    password = (tmp_path / "demo" / "secrets.yaml").read_text().split("password: ")[1].strip()
    assert password not in result.output
    records, _, _ = store.driver.execute_query(
        "MATCH (f:DataFile) RETURN count(f) AS files UNION ALL "
        "MATCH (t:RelationalTable) RETURN count(t) AS files"
    )
    files, tables = (r["files"] for r in records)
    assert files >= 3 and tables >= 3
    records, _, _ = store.driver.execute_query("MATCH (n) RETURN collect(properties(n)) AS p")
    assert password not in str(records[0]["p"])
