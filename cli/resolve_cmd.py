"""``switchboard resolve``, ``switchboard groups list`` and ``switchboard query``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from rich.table import Column, Table
from rich.text import Text

from cli._common import console, handle_errors, print_json, store
from cli.remote import remote_group, remote_rows, server_url
from engine import UsageError
from engine.graph import run_library_query
from engine.statements import bind, get_query, library

if TYPE_CHECKING:
    from rich.tree import Tree

Plain = dict[str, Any]
"""A resolved group or a part of it as plain data (engine.graph.PlainGroup's parts)."""

FORMATS = ("tree", "json", "yaml", "mermaid", "dot")


# ------------------------------------------------------------------ resolve
@click.command("resolve")
@click.argument("qualified_name", metavar="QUALIFIED_NAME")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="tree",
    show_default=True,
    help="tree: readable overview; json/yaml: the canonical document; "
    "mermaid/dot: a picture of the subgraph.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="TIME",
    help="The group as it was then, from the change history: ISO 8601 "
    "(2026-12-04T03:00:00Z) or relative (30m, 2h, 3d).",
)
@handle_errors
def resolve_cmd(qualified_name: str, fmt: str, as_of: str | None) -> None:
    """Show the whole subgraph of one integration group, fetched in one query.

    The tree marks defects in red (no connection, two connections, two
    connector types, a missing provider class, an embedding cycle) instead of
    hiding them. JSON is canonical (sorted keys, ISO datetimes) and follows
    docs/resolved-group.schema.json.

    \b
    Examples:
      switchboard resolve sales.integration
      switchboard resolve sales.integration --format json > sales.json
      switchboard resolve sales.integration --format dot | dot -Tsvg > sales.svg
      switchboard resolve sales.integration --as-of 2h --format json
    """
    from engine.graph import PlainGroup, canonical_document, canonical_json, resolve_group_plain

    group: PlainGroup
    if as_of is None and server_url():
        group = remote_group(qualified_name).model_dump()
    elif as_of is None:  # plain data: printing a group needs no pydantic views
        group = resolve_group_plain(store(quiet=fmt != "tree"), qualified_name)
    else:
        from engine.history import parse_time, resolve_group_as_of

        at = parse_time(as_of)
        group = resolve_group_as_of(store(quiet=fmt != "tree"), qualified_name, at).model_dump()
    if fmt == "json":
        click.echo(canonical_json(group), nl=False)
    elif fmt == "yaml":
        import yaml

        click.echo(
            yaml.safe_dump(canonical_document(group), sort_keys=True, allow_unicode=True),
            nl=False,
        )
    elif fmt == "mermaid":
        click.echo(to_mermaid(group), nl=False)
    elif fmt == "dot":
        click.echo(to_dot(group), nl=False)
    else:
        console.print(render_tree(group))


def _name(element: Plain) -> str:
    display = element["properties"].get("displayName")
    return f"{element['qualifiedName']} ({display})" if display else element["qualifiedName"]


def _defect(text: str) -> Text:
    return Text(text, style="bold red")


def _connection_node(parent: Tree, label: Text, connection: Plain) -> None:
    line = Text.assemble(
        label, (connection["qualifiedName"], "bold"), f" [{connection['typeName']}]"
    )
    node = parent.add(line)
    if connection["connectorType"] is None:
        node.add(_defect("no connector type"))
    else:
        ct = connection["connectorType"]
        provider = ct["properties"].get("connectorProviderClassName")
        type_line = Text.assemble("type ", (ct["qualifiedName"], "cyan"))
        if provider:
            type_line.append(f"  provider {provider}", style="dim")
        else:
            type_line.append("  no connectorProviderClassName", style="bold red")
        node.add(type_line)
    for extra in connection["additionalConnectorTypes"]:
        node.add(_defect(f"another connector type: {extra['qualifiedName']}"))
    endpoint = connection["endpoint"]
    if endpoint is not None:
        address = endpoint["properties"].get("networkAddress")
        node.add(
            Text.assemble(
                "endpoint ",
                (endpoint["qualifiedName"], "cyan"),
                f"  {address}" if address else "",
            )
        )
    for extra in connection["additionalEndpoints"]:
        node.add(_defect(f"another endpoint: {extra['qualifiedName']}"))
    config = connection["properties"].get("configurationProperties") or {}
    if config and isinstance(config, dict):
        node.add(Text(f"configuration {json.dumps(config, sort_keys=True)}", style="dim"))
    for embedded in connection["embeddedConnections"]:
        role = f" {embedded['displayName']}" if embedded["displayName"] else ""
        label_text = Text(f"embedded #{embedded['position']}{role} -> ")
        if embedded["cycle"]:
            node.add(
                Text.assemble(
                    label_text,
                    (embedded["connection"]["qualifiedName"], "bold"),
                    (" cycle: already on this path, not expanded", "bold red"),
                )
            )
        else:
            _connection_node(node, label_text, embedded["connection"])


def _target_name(target: Plain) -> str | None:
    value = target["relationship"].get("catalogTargetName")
    return str(value) if value is not None else None


def _target_line(target: Plain) -> Text:
    name = _target_name(target) or "(unnamed)"
    element, effective = target["element"], target["effectiveConfiguration"]
    return Text.assemble(
        (name, "bold"),
        " -> ",
        (element["qualifiedName"], "cyan"),
        f" [{element['typeName']}]",
        f"  sync {target['effectivePermittedSynchronization']}",
        (f"  config {json.dumps(effective, sort_keys=True)}" if effective else ""),
    )


def _connector_node(root: Tree, view: Plain) -> None:
    reg = view["registration"]
    head = Text.assemble(
        (reg["connectorName"] or "(no connectorName)", "bold green"),
        "  ",
        _name(view["connector"]),
    )
    if reg["refreshTimeInterval"] is not None:
        head.append(f"  refresh every {reg['refreshTimeInterval']} min", style="dim")
    if view["usesBlockingCalls"]:
        head.append("  blocking", style="magenta")
    if reg["connectorName"] is None:
        head.append("  no connectorName", style="bold red")
    node = root.add(head)
    start, shutdown = reg["startDate"], reg["connectorShutdownDate"]
    if start or shutdown:
        node.add(Text(f"runs {_when(start)} .. {_when(shutdown)}"))
    if view["connection"] is None:
        node.add(_defect("no connection"))
    else:
        _connection_node(node, Text("connection "), view["connection"])
    for extra in view["additionalConnections"]:
        _connection_node(node, _defect("another connection "), extra)
    targets = view["catalogTargets"]
    if targets:
        branch = node.add(Text(f"catalog targets ({len(targets)})"))
        for target in targets:
            branch.add(_target_line(target))


def _when(value: datetime | None) -> str:
    return value.isoformat() if value else "-"


def render_tree(group: Plain) -> Tree:
    """A rich tree of ``group`` (plain data) an operator can read at a glance."""
    from rich.tree import Tree

    count = len(group["connectors"])
    root = Tree(
        Text.assemble(
            (group["group"]["qualifiedName"], "bold"),
            f" [{group['group']['typeName']}]",
            f"  {count} connector{'s' if count != 1 else ''}",
        )
    )
    for view in group["connectors"]:
        _connector_node(root, view)
    return root


# ------------------------------------------------------------------ pictures
@dataclass
class _Picture:
    """Nodes (by guid) and labelled edges of a resolved group, without duplicates."""

    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # guid -> (label, kind)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def node(self, element: Plain, kind: str) -> str:
        guid: str = element["guid"]
        if guid not in self.nodes:
            self.nodes[guid] = (f"{element['typeName']}\n{element['qualifiedName']}", kind)
        return guid

    def edge(self, start: str, end: str, label: str) -> None:
        key = (start, end, label)
        if key not in self._seen:
            self._seen.add(key)
            self.edges.append(key)


def _picture(group: Plain) -> _Picture:
    pic = _Picture()
    root = pic.node(group["group"], "group")

    def connection(owner: str, view: Plain, label: str) -> None:
        cid = pic.node(view, "connection")
        pic.edge(owner, cid, label)
        for ct in [view["connectorType"], *view["additionalConnectorTypes"]]:
            if ct is not None:
                pic.edge(cid, pic.node(ct, "type"), "ConnectionConnectorType")
        for ep in [view["endpoint"], *view["additionalEndpoints"]]:
            if ep is not None:
                pic.edge(cid, pic.node(ep, "endpoint"), "ConnectToEndpoint")
        for embedded in view["embeddedConnections"]:
            role = f" {embedded['displayName']}" if embedded["displayName"] else ""
            text = f"EmbeddedConnection #{embedded['position']}{role}"
            if embedded["cycle"]:
                pic.edge(cid, pic.node(embedded["connection"], "connection"), text + " (cycle)")
            else:
                connection(cid, embedded["connection"], text)

    for view in group["connectors"]:
        kid = pic.node(view["connector"], "connector")
        name = view["registration"]["connectorName"] or view["connector"]["qualifiedName"]
        pic.edge(root, kid, f"RegisteredIntegrationConnector {name}")
        for conn in [view["connection"], *view["additionalConnections"]]:
            if conn is not None:
                connection(kid, conn, "AssetConnection")
        for target in view["catalogTargets"]:
            tid = pic.node(target["element"], "target")
            pic.edge(kid, tid, f"CatalogTarget {_target_name(target) or ''}".rstrip())
    return pic


def _ids(pic: _Picture) -> dict[str, str]:
    return {guid: f"n{index}" for index, guid in enumerate(pic.nodes)}


_MERMAID_SHAPES = {
    "group": ('[["', '"]]'),
    "connector": ('(["', '"])'),
    "connection": ('["', '"]'),
    "type": ('{{"', '"}}'),
    "endpoint": ('[/"', '"/]'),
    "target": ('[("', '")]'),
}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(group: Plain) -> str:
    """A Mermaid flowchart of the group's subgraph (paste into any Mermaid viewer)."""
    pic = _picture(group)
    ids = _ids(pic)
    lines = ["flowchart LR"]
    for guid, (label, kind) in pic.nodes.items():
        opening, closing = _MERMAID_SHAPES[kind]
        lines.append(f"  {ids[guid]}{opening}{_mermaid_text(label)}{closing}")
    for start, end, label in pic.edges:
        lines.append(f'  {ids[start]} -->|"{_mermaid_text(label)}"| {ids[end]}')
    return "\n".join(lines) + "\n"


_DOT_SHAPES = {
    "group": "folder",
    "connector": "component",
    "connection": "box",
    "type": "hexagon",
    "endpoint": "parallelogram",
    "target": "cylinder",
}


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(group: Plain) -> str:
    """A Graphviz digraph of the group's subgraph (render with ``dot -Tsvg``)."""
    pic = _picture(group)
    ids = _ids(pic)
    lines = [
        f'digraph "{_dot_text(group["group"]["qualifiedName"])}" {{',
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    for guid, (label, kind) in pic.nodes.items():
        lines.append(f'  {ids[guid]} [shape={_DOT_SHAPES[kind]}, label="{_dot_text(label)}"];')
    for start, end, label in pic.edges:
        style = ", color=red" if label.endswith("(cycle)") else ""
        lines.append(f'  {ids[start]} -> {ids[end]} [label="{_dot_text(label)}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ groups
@click.group("groups")
def groups_group() -> None:
    """List integration groups."""


@groups_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@handle_errors
def groups_list(as_json: bool) -> None:
    """Every integration group: registered connectors and when it last changed.

    'Last update' is the latest updateTime of the group, its registrations,
    its connectors and their catalog targets.
    """
    if server_url():
        rows = remote_rows("groups", {})
    else:
        rows = run_library_query(store(quiet=as_json), "groups", {})
    if as_json:
        print_json([_jsonable(row) for row in rows])
        return
    if not rows:
        console.print("no integration groups (create one with a manifest or the API)")
        return
    table = Table(Column("group", overflow="fold"), "display name", "connectors", "last update")
    for row in rows:
        table.add_row(
            str(row["qualifiedName"]),
            str(row["displayName"] or ""),
            str(row["connectors"]),
            _cell(row["lastUpdate"])[:19].replace("T", " "),
        )
    console.print(table)


# ------------------------------------------------------------------ query
def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(_jsonable(value), sort_keys=True, ensure_ascii=False)
    return str(value)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(
                f"bad parameter {pair!r}: expected key=value",
                hint="e.g. -p qualifiedName=folder.inbox",
            )
        out[key.strip()] = value
    return out


@click.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the library queries and exit.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter (repeatable); see the query's header for names and types.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="How to print the rows.",
)
@handle_errors
def query_cmd(name: str | None, list_: bool, params: tuple[str, ...], fmt: str) -> None:
    """Run a query of the analysts' library in cypher/ (read-only).

    The same files run in Neo4j Browser (':param name => value', then paste)
    or cypher-shell; cypher/README.md describes each.

    \b
    Examples:
      switchboard query --list
      switchboard query groups
      switchboard query connectors_targeting_element -p qualifiedName=folder.inbox
      switchboard query elements_changed_since -p since=2026-01-31T00:00:00Z --format csv
    """
    if list_ or name is None:
        if name is None and not list_:
            raise UsageError("name a query to run, or pass --list", hint="switchboard query --list")
        _print_library(fmt)
        return
    query = get_query(name)
    bound = bind(query, _parse_params(params))
    if server_url():
        rows = remote_rows(query.name, _parse_params(params))
    else:
        rows = run_library_query(store(quiet=fmt != "table"), query.name, bound)
    if fmt == "json":
        print_json([_jsonable(row) for row in rows])
    elif fmt == "csv":
        click.echo(_to_csv(rows), nl=False)
    else:
        _print_rows(query.name, rows)


def _print_library(fmt: str) -> None:
    queries = library()
    if fmt == "json":
        print_json(
            [
                {
                    "name": q.name,
                    "description": q.description,
                    "parameters": [
                        {"name": p.name, "type": p.type, "description": p.description}
                        for p in q.parameters
                    ],
                    "returns": q.returns,
                }
                for q in queries
            ]
        )
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["name", "parameters", "description"])
        for q in queries:
            writer.writerow(
                [q.name, " ".join(f"{p.name}:{p.type}" for p in q.parameters), q.description]
            )
        click.echo(buffer.getvalue(), nl=False)
        return
    table = Table(Column("query", overflow="fold"), "parameters", "what it finds")
    for q in queries:
        table.add_row(
            q.name,
            "\n".join(f"{p.name} ({p.type})" for p in q.parameters) or "-",
            q.description,
        )
    console.print(table)


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    return list(rows[0]) if rows else []


def _to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = _columns(rows)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return buffer.getvalue()


def _print_rows(name: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print(f"{name}: no rows")
        return
    table = Table(title=f"{name} ({len(rows)} rows)")
    for column in _columns(rows):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row.values()))
    console.print(table)


__all__ = [
    "groups_group",
    "query_cmd",
    "render_tree",
    "resolve_cmd",
    "to_dot",
    "to_mermaid",
]
