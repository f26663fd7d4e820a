"""How ``switchboard cypher`` prints results: tables, JSON, CSV; nodes and relationships
with their labels and types, as cypher-shell shows them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from typing import Any

import click
from rich.table import Column, Table
from rich.text import Text

from cli._common import console, err_console, print_json
from engine.graph import CypherResult, GraphNode, GraphPath, GraphRelationship

FORMATS = ("table", "json", "csv")


def show_result(result: CypherResult, fmt: str) -> None:
    """Print ``result`` in ``fmt``; what the statement changed goes to stderr for json/csv."""
    if fmt == "json":
        print_json(
            [dict(zip(result.columns, map(jsonable, row), strict=True)) for row in result.rows]
        )
    elif fmt == "csv":
        click.echo(to_csv(result), nl=False)
    else:
        print_table(result)
    changes = describe_counters(result.counters)
    if changes:
        (console if fmt == "table" else err_console).print(changes)


def print_table(result: CypherResult) -> None:
    if not result.columns:
        console.print("(no columns)")
        return
    table = Table(*(Column(c, overflow="fold") for c in result.columns))
    for row in result.rows:
        table.add_row(*(Text(cell(v)) for v in row))
    console.print(table)
    console.print(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}")


def to_csv(result: CypherResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue()


_SINGULAR = {
    "nodes": "node",
    "relationships": "relationship",
    "properties": "property",
    "labels": "label",
    "indexes": "index",
    "constraints": "constraint",
}
"""The singular of each noun the server's update counters start with."""


def describe_counters(counters: dict[str, int]) -> str:
    """``2 nodes created, 1 relationship created`` from the update counters."""
    parts = []
    for name, count in sorted(counters.items()):
        words = name.split("_")
        noun = _SINGULAR.get(words[0], words[0]) if count == 1 else words[0]
        parts.append(f"{count} {' '.join([noun, *words[1:]])}")
    return ", ".join(parts)


def cell(value: Any) -> str:
    """One value as text: ``(:Label {key: value})``, ``[:TYPE {...}]``, paths joined."""
    if value is None:
        return "null"
    if isinstance(value, GraphNode):
        return node_text(value)
    if isinstance(value, GraphRelationship):
        return relationship_text(value)
    if isinstance(value, GraphPath):
        return path_text(value)
    if isinstance(value, str):
        return value
    return literal(value)


def node_text(node: GraphNode) -> str:
    labels = "".join(f":{label}" for label in node.labels)
    return f"({labels}{_props(node.properties)})"


def relationship_text(rel: GraphRelationship) -> str:
    return f"[:{rel.type}{_props(rel.properties)}]"


def path_text(path: GraphPath) -> str:
    if not path.nodes:
        return "()"
    parts = [node_text(path.nodes[0])]
    for rel, (before, after) in zip(
        path.relationships, zip(path.nodes, path.nodes[1:], strict=False), strict=False
    ):
        forward = rel.start == before.element_id
        arrow = f"-{relationship_text(rel)}->" if forward else f"<-{relationship_text(rel)}-"
        parts.append(arrow + node_text(after))
    return "".join(parts)


def literal(value: Any) -> str:
    """A value inside a node or list, as Cypher would write it."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, GraphNode | GraphRelationship | GraphPath):
        return cell(value)
    return str(value)


def _props(properties: dict[str, Any]) -> str:
    if not properties:
        return ""
    return " {" + ", ".join(f"{k}: {literal(v)}" for k, v in sorted(properties.items())) + "}"


def jsonable(value: Any) -> Any:
    """A value for ``--format json``: nodes, relationships and paths as objects."""
    if isinstance(value, GraphNode):
        return {
            "elementId": value.element_id,
            "labels": list(value.labels),
            "properties": jsonable(value.properties),
        }
    if isinstance(value, GraphRelationship):
        return {
            "elementId": value.element_id,
            "type": value.type,
            "start": value.start,
            "end": value.end,
            "properties": jsonable(value.properties),
        }
    if isinstance(value, GraphPath):
        return {
            "nodes": [jsonable(n) for n in value.nodes],
            "relationships": [jsonable(r) for r in value.relationships],
        }
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def print_error(message: str, hint: str | None = None) -> None:
    """An error inside the interactive prompt (which goes on)."""
    err_console.print(f"[bold red]error:[/] {message.replace('[', chr(92) + '[')}")
    if hint:
        err_console.print(f"[yellow]hint:[/] {hint.replace('[', chr(92) + '[')}")
