"""The analysts' library as a Neo4j Browser guide (``:play``), generated from ``cypher/library/``.

One source: the guide lists :func:`engine.graph.querylib.library`, the same queries
``switchboard query --list`` lists, each with its description, parameters and result
columns and one runnable block: the query, preceded by ``:params {...};`` with example
values when it has parameters (Browser runs the two statements one after the other).
A click on the block puts it in the editor, to edit the values; its play icon runs it.
The embedded default serves the page next to Browser (:mod:`engine.local.browser`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from engine.graph.querylib import LibraryQuery, Parameter, library

GUIDE_TITLE = "Switchboard: the analysts' library"

_EXAMPLES: dict[str, object] = {
    "string": "text",
    "int": 5,
    "float": 0.5,
    "bool": True,
    "datetime": "2026-01-31T00:00:00Z",
    "list<string>": ["a", "b"],
}


def library_guide_html() -> str:
    """The guide for the installed library (every query of ``cypher/library/``)."""
    return guide_html(library())


def guide_html(queries: Sequence[LibraryQuery]) -> str:
    """A Browser guide page listing ``queries`` in order, each runnable with one click."""
    index = "".join(
        f'<li><a href="#query-{escape(q.name)}">{escape(q.name)}</a>: {escape(q.description)}</li>'
        for q in queries
    )
    sections = "".join(_section(q) for q in queries)
    return (
        '<article class="guide switchboard-library">\n'
        f"<h3>{escape(GUIDE_TITLE)}</h3>\n"
        "<p>The queries of <code>switchboard query --list</code>, generated from the files in "
        "<code>cypher/library/</code>. The play icon of a block runs it, its "
        "<code>:params</code> first; a click on its text copies it into the editor to "
        "change the example values.</p>\n"
        f'<ul class="library-index">{index}</ul>\n'
        f"{sections}"
        "</article>\n"
    )


def params_command(parameters: Sequence[Parameter]) -> str:
    """``:params {...}`` with an example value of each parameter's type."""
    entries = ", ".join(f"{p.name}: {_cypher_literal(_EXAMPLES[p.type])}" for p in parameters)
    return f":params {{{entries}}}"


def query_body(query: LibraryQuery) -> str:
    """The query's statement without its header comment."""
    lines = query.text.splitlines()
    while lines and (lines[0].startswith("//") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip()


def _section(query: LibraryQuery) -> str:
    if query.parameters:
        rows = "".join(
            f"<tr><td><code>${escape(p.name)}</code></td><td>{escape(p.type)}</td>"
            f"<td>{escape(p.description)}</td></tr>"
            for p in query.parameters
        )
        parameters = (
            f"<table><tr><th>parameter</th><th>type</th><th>meaning</th></tr>{rows}</table>"
        )
        statement = f"{params_command(query.parameters)};\n{query_body(query)}"
    else:
        parameters = "<p>Parameters: none</p>"
        statement = query_body(query)
    return (
        f'<section class="library-query" id="query-{escape(query.name)}" '
        f'data-query-name="{escape(query.name)}">\n'
        f"<h4>{escape(query.name)}</h4>\n"
        f"<p>{escape(query.description)}</p>\n"
        f"{parameters}\n"
        f"<p>Returns: {escape(query.returns)}</p>\n"
        f'<pre mode="cypher" class="runnable library-statement">{escape(statement)}</pre>\n'
        "</section>\n"
    )


def _cypher_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_cypher_literal(v) for v in value) + "]"
    return json.dumps(value)
