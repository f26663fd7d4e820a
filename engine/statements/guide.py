"""The analysts' library as a Neo4j Browser guide (``:play``), generated from ``cypher/library/``.

One source: the guide lists :func:`engine.statements.catalogue.library`, the same queries
``switchboard query --list`` lists, each with its description, parameters and result
columns, a ``:params`` block with example values (when it has parameters) and the
query itself. Browser marks both blocks runnable: a click puts one in the editor, its
play icon runs it. (One block of both statements would run in one click, but Browser
shows a multi-statement run as a status per statement, without the rows.) The embedded default serves the page next to Browser
(:mod:`engine.local.browser`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from engine.statements.catalogue import LibraryQuery, Parameter, library

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
        "<code>cypher/library/</code>. The play icon of a block runs it; a click on its "
        "text copies it into the editor. A query with parameters has a "
        "<code>:params</code> block to run first, with example values to edit.</p>\n"
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
            f'<pre class="runnable library-params">{escape(params_command(query.parameters))}'
            "</pre>"
        )
    else:
        parameters = "<p>Parameters: none</p>"
    return (
        f'<section class="library-query" id="query-{escape(query.name)}" '
        f'data-query-name="{escape(query.name)}">\n'
        f"<h4>{escape(query.name)}</h4>\n"
        f"<p>{escape(query.description)}</p>\n"
        f"{parameters}\n"
        f"<p>Returns: {escape(query.returns)}</p>\n"
        f'<pre mode="cypher" class="runnable library-statement">{escape(query_body(query))}</pre>\n'
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
