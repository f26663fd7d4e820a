"""Only the graph writer (and the schema module) runs write statements (no Neo4j needed).

Scans the Python sources of engine/, cli/, tests/ and benchmarks/ for the cypher/ statements
each module loads by name -- string literals given to the store's query methods, to
``query_text`` and the writer's template and statement helpers, and statement-name constants
(a module- or class-level name bound to a statement's name, or to a tuple, list or dict of
them) -- and fails when a statement that writes (a CREATE, MERGE, SET, DELETE or REMOVE
clause outside comments and string literals) is loaded anywhere but the writer.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from engine.statements import QUERY_FOLDERS

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("engine", "cli", "tests", "benchmarks")
WRITER_PACKAGE = "engine/graph/writer/"
SCHEMA = "engine/graph/schema.py"
"""The modules allowed to load write statements: the writer package, and the schema (its DDL)."""


def may_write(module: str) -> bool:
    return module.startswith(WRITER_PACKAGE) or module == SCHEMA


LOADING_CALLS = frozenset(
    {
        "read",
        "read_values",
        "read_stream",
        "write",
        "run",
        "run_values",
        "start_values",
        "run_autocommit",
        "query_text",
        "relationship_statement",
        "Statement",
        "step",
    }
)
"""Functions and methods whose first or second positional argument names a statement."""

WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b", re.IGNORECASE)
_COMMENT = re.compile(r"//[^\n]*")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def statement_texts() -> dict[str, str]:
    """Every statement in cypher/<folder>/: name -> text."""
    texts: dict[str, str] = {}
    for folder in QUERY_FOLDERS:
        for path in sorted((ROOT / "cypher" / folder).glob("*.cypher")):
            texts[path.stem] = path.read_text(encoding="utf-8")
    return texts


def writes(text: str) -> bool:
    """Whether the Cypher ``text`` has a writing clause (comments and strings ignored)."""
    return WRITE_CLAUSE.search(_STRING.sub("''", _COMMENT.sub("", text))) is not None


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for element in node.elts for s in _strings(element)]
    if isinstance(node, ast.Dict):
        return [s for value in [*node.keys, *node.values] if value for s in _strings(value)]
    return []


def loaded_statements(source: str, names: set[str]) -> set[str]:
    """The statement ``names`` that the Python ``source`` loads (see the module docstring)."""
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node) in LOADING_CALLS:
            for arg in node.args[:2]:
                found.update(s for s in _strings(arg) if s in names)
    bodies = [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for statement in body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value:
                found.update(s for s in _strings(statement.value) if s in names)
    return found


def write_statement_users() -> dict[str, set[str]]:
    """Module path -> the write statements it loads, for every scanned module."""
    texts = statement_texts()
    names = {name for name, text in texts.items() if writes(text)}
    users: dict[str, set[str]] = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            loaded = loaded_statements(path.read_text(encoding="utf-8"), names)
            if loaded:
                users[path.relative_to(ROOT).as_posix()] = loaded
    return users


def test_only_the_writer_loads_write_statements() -> None:
    users = write_statement_users()
    outside = {module: sorted(found) for module, found in users.items() if not may_write(module)}
    assert outside == {}, "write statements loaded outside engine/graph/writer/"
    assert "element_upsert" in users["engine/graph/writer/elements.py"]
    assert "relationship_upsert" in users["engine/graph/writer/templates.py"]


def test_only_the_writer_package_and_the_schema_may_write() -> None:
    assert may_write("engine/graph/writer/archive.py") and may_write("engine/graph/schema.py")
    assert not may_write("engine/graph/writer_helpers.py")
    assert not may_write("engine/declare/manifest/apply.py")


def test_write_clauses_are_recognised() -> None:
    assert writes("MATCH (n) DETACH DELETE n")
    assert writes("UNWIND $rows AS row\nMERGE (n:Referenceable {guid: row.guid})")
    assert writes("MATCH (n) SET n._lock = true REMOVE n._lock RETURN n")
    assert not writes("// CREATE nothing\nMATCH (n) RETURN n.createTime AS created")
    assert not writes("MATCH (n) WHERE n.name = 'SET me' RETURN n")
    statements = statement_texts()
    assert writes(statements["wipe_all"]) and writes(statements["relationship_upsert"])
    assert not writes(statements["resolve_groups"])


@pytest.mark.parametrize(
    "source",
    [
        'store.write("wipe_all")',
        'rows = store.run(tx, "element_upsert", {"rows": []})',
        'WIPE = "wipe_all"\n',
        'class C:\n    QUERIES = ("groups", "elements_delete")\n',
        'text = query_text("element_create_new")',
    ],
)
def test_a_module_loading_a_write_statement_is_caught(source: str) -> None:
    names = {name for name, text in statement_texts().items() if writes(text)}
    assert loaded_statements(source, names) & {
        "wipe_all",
        "element_upsert",
        "elements_delete",
        "element_create_new",
    }


def test_reads_are_not_reported() -> None:
    names = {name for name, text in statement_texts().items() if writes(text)}
    source = 'store.read("resolve_groups", {})\nstore.read_values("groups")\nx = "orphans"\n'
    assert loaded_statements(source, names) == set()
