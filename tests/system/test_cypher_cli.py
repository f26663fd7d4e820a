"""``switchboard cypher``: read-only by default, --write, parameters, formats, graph values,
and the interactive prompt driven through a pseudo-terminal."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from cli.main import cli
from engine.graph import Store, run_cypher

SWITCHBOARD = str(Path(sys.executable).with_name("switchboard"))
PROMPT = "neo4j>"
CONTINUATION = "     >"
"""The prompts as the terminal shows them (prompt_toolkit draws the space after them as a
cursor movement)."""


def scratch_count(store: Store) -> int:
    return int(run_cypher(store, "MATCH (n:Scratch) RETURN count(n) AS n").rows[0][0])


def invoke(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["cypher", *args], env=env, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_a_write_is_refused_without_write_and_nothing_is_written(
    cli_env: dict[str, str], store: Store
) -> None:
    code, out, err = invoke(cli_env, "CREATE (n:Scratch {name: 'x'}) RETURN n")
    assert code == 1, out + err
    assert "nothing was written" in err
    assert "--write" in err
    assert "Traceback" not in out + err
    assert scratch_count(store) == 0


def test_write_allows_writes_and_says_what_changed(cli_env: dict[str, str], store: Store) -> None:
    code, out, err = invoke(
        cli_env, "--write", "CREATE (n:Scratch {name: 'x'}) RETURN n.name AS name"
    )
    assert code == 0, out + err
    assert "1 node created" in out
    assert scratch_count(store) == 1


def test_graph_results_show_labels_types_and_properties(
    cli_env: dict[str, str], store: Store
) -> None:
    run_cypher(
        store,
        "CREATE (:Scratch:Extra {name: 'a'})-[:LINKS {weight: 2}]->(:Scratch {name: 'b'})",
        write=True,
    )
    statement = "MATCH p = (a {name: 'a'})-[r]->(b) RETURN a, r, b, p"
    code, out, err = invoke(cli_env, statement)
    assert code == 0, out + err
    assert '(:Extra:Scratch {name: "a"})' in out
    assert "[:LINKS {weight: 2}]" in out
    assert '(:Extra:Scratch {name: "a"})-[:LINKS {weight: 2}]->(:Scratch {name: "b"})' in out
    assert "1 row" in out

    code, out, err = invoke(cli_env, statement, "--format", "json")
    assert code == 0, err
    [row] = json.loads(out)
    assert row["a"]["labels"] == ["Extra", "Scratch"]
    assert row["a"]["properties"] == {"name": "a"}
    assert row["r"]["type"] == "LINKS"
    assert (row["r"]["start"], row["r"]["end"]) == (row["a"]["elementId"], row["b"]["elementId"])
    assert [n["properties"]["name"] for n in row["p"]["nodes"]] == ["a", "b"]


def test_parameters_are_json_values_or_text(cli_env: dict[str, str], store: Store) -> None:
    code, out, err = invoke(
        cli_env,
        "RETURN $n + 1 AS next, $name AS name, $tags AS tags, $plain AS plain",
        "-p",
        "n=41",
        "-p",
        'name="quoted"',
        "-p",
        'tags=["a","b"]',
        "-p",
        "plain=folder.inbox",
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out) == [
        {"next": 42, "name": "quoted", "tags": ["a", "b"], "plain": "folder.inbox"}
    ]


def test_csv_output(cli_env: dict[str, str], store: Store) -> None:
    code, out, _ = invoke(cli_env, "UNWIND [1, 2] AS i RETURN i, 'x' + i AS s", "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["i,s", "1,x1", "2,x2"]


def test_bad_input_exits_2_and_a_syntax_error_exits_1(
    cli_env: dict[str, str], store: Store
) -> None:
    code, _, err = invoke(cli_env, "RETURN 1", "-p", "novalue")
    assert code == 2
    assert "key=value" in err
    code, _, err = invoke(cli_env, "RETURN (")
    assert code == 1
    assert "SyntaxError" in err
    assert "Traceback" not in err


def test_piped_statements_run_in_order(cli_env: dict[str, str], store: Store) -> None:
    script = ":param base => 40\nRETURN $base + 1 AS a;\nRETURN $base + 2\n  AS b;\n"
    code, out, err = invoke(cli_env, "--format", "csv", stdin=script)
    assert code == 0, err
    assert out.splitlines() == ["a", "41", "b", "42"]


@pytest.mark.timeout(180)
def test_interactive_prompt_through_a_pseudo_terminal(
    cli_env: dict[str, str], store: Store, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        **cli_env,
        "SWITCHBOARD_HOME": str(tmp_path),
        "TERM": "xterm-256color",
        # pexpect answers no cursor-position request, so prompt_toolkit would wait for one
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    env.pop("SWITCHBOARD_LOG_LEVEL", None)
    shell = pexpect.spawn(
        SWITCHBOARD, ["cypher"], env=env, encoding="utf-8", timeout=60, dimensions=(40, 120)
    )
    try:
        shell.expect("read-only")
        shell.expect_exact(PROMPT)
        shell.sendline(":help")
        shell.expect_exact(":param name => expression")
        shell.expect_exact(PROMPT)
        shell.sendline(":param limit => 1 + 2")
        shell.expect_exact(PROMPT)
        shell.sendline(":params")
        shell.expect_exact(":param limit => 3")
        shell.expect_exact(PROMPT)
        shell.sendline("UNWIND range(1, 10) AS i")
        shell.expect_exact(CONTINUATION)
        shell.sendline("RETURN i * 10 AS tens LIMIT $limit;")
        shell.expect_exact("3 rows")
        table = shell.before
        assert "30" in table
        assert "40" not in table
        shell.expect_exact(PROMPT)
        shell.sendline("CREATE (:Scratch);")
        shell.expect_exact("nothing was written")
        shell.expect_exact(PROMPT)
        shell.sendline(":nonsense")
        shell.expect_exact("unknown command ':nonsense'")
        shell.expect_exact(PROMPT)
        shell.sendline(":exit")
        shell.expect(pexpect.EOF)
    finally:
        shell.close()
    assert shell.exitstatus == 0
    assert scratch_count(store) == 0
    history = (tmp_path / "cypher-history").read_text()
    assert "RETURN i * 10 AS tens LIMIT $limit;" in history
    assert ":param limit => 1 + 2" in history
