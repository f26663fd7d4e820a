"""Ad-hoc Cypher for analysts (``switchboard cypher``): any statement, read-only unless asked.

Every other query of Switchboard is a file in ``cypher/``; these are the analyst's own
text, run by :meth:`Store.run_text` with the store's timeout, metadata and error
translation. A statement runs in a *read-access* session unless the caller
allows writes: the server itself then refuses any write (:class:`WriteRefusedError`)
and the transaction is rolled back, so nothing is written. Graph values come back as
:class:`GraphNode`, :class:`GraphRelationship` and :class:`GraphPath` with labels, types
and properties; temporal values as Python datetimes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j.graph import Node, Path, Relationship

from engine.errors import StoreError, UsageError, WriteRefusedError
from engine.graph.graphmap import to_python
from engine.graph.store import Store

OPERATION = "adhoc-cypher"
"""The operation name in the transaction metadata of every ad-hoc statement."""
ACCESS_MODE_REFUSED = "Neo.ClientError.Statement.AccessMode"
"""The server's code for a write in a read-access transaction."""


@dataclass(frozen=True)
class GraphNode:
    """A node of a result: its element id, labels (sorted) and properties."""

    element_id: str
    labels: tuple[str, ...]
    properties: dict[str, Any]


@dataclass(frozen=True)
class GraphRelationship:
    """A relationship of a result: its type, the element ids of its ends and properties."""

    element_id: str
    type: str
    start: str
    end: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class GraphPath:
    """A path of a result: its nodes and relationships in order."""

    nodes: tuple[GraphNode, ...]
    relationships: tuple[GraphRelationship, ...]


@dataclass(frozen=True)
class CypherResult:
    """The rows of an ad-hoc statement and what it changed."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    counters: dict[str, int] = field(default_factory=dict)
    """The update counters that are not zero (``nodes_created``, ...)."""


def run_cypher(
    store: Store,
    text: str,
    params: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
    timeout: float | None = None,
) -> CypherResult:
    """Run the analyst's statement ``text`` in one auto-commit transaction.

    Without ``write`` the session is read-access and a write raises
    :class:`WriteRefusedError` (nothing written); other failures raise the store's
    :mod:`engine.errors` types, a Cypher syntax error a :class:`StoreError` with the
    server's message.
    """
    if not text.strip():
        raise UsageError("the statement is empty", hint="e.g. MATCH (n) RETURN n LIMIT 5")
    try:
        columns, values, counters = store.run_text(
            OPERATION, text, params, write=write, timeout=timeout
        )
    except StoreError as exc:
        if exc.code == ACCESS_MODE_REFUSED:
            raise WriteRefusedError(
                "the statement writes, and switchboard cypher runs read-only unless told "
                "otherwise; nothing was written",
                hint="run it again with --write to allow writes",
                code=exc.code,
                classification=exc.classification,
                gql_status=exc.gql_status,
            ) from exc
        raise
    rows = [tuple(graph_value(v) for v in row) for row in values]
    return CypherResult(columns, rows, counters)


def evaluate_parameter(store: Store, expression: str) -> Any:
    """The value of the Cypher ``expression`` (as cypher-shell's ``:param name => expr``).

    Evaluated by the server, read-only; raises :class:`UsageError` for an empty one.
    """
    if not expression.strip():
        raise UsageError("a parameter needs a value", hint=":param name => 'value'")
    result = run_cypher(store, f"RETURN {expression} AS value")
    return result.rows[0][0] if result.rows else None


def parse_parameter_value(text: str) -> Any:
    """A ``-p key=value`` value: JSON when it parses (numbers, true, lists, quoted text),
    else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def graph_value(value: Any) -> Any:
    """A driver value -> :class:`GraphNode` and friends, plain Python otherwise."""
    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Relationship):
        return _relationship(value)
    if isinstance(value, Path):
        return GraphPath(
            tuple(_node(n) for n in value.nodes),
            tuple(_relationship(r) for r in value.relationships),
        )
    if isinstance(value, Mapping):
        return {str(k): graph_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [graph_value(v) for v in value]
    return to_python(value)


def _node(node: Node) -> GraphNode:
    props = {k: graph_value(v) for k, v in node.items()}
    return GraphNode(node.element_id, tuple(sorted(node.labels)), props)


def _relationship(rel: Relationship) -> GraphRelationship:
    start = rel.start_node.element_id if rel.start_node is not None else ""
    end = rel.end_node.element_id if rel.end_node is not None else ""
    props = {k: graph_value(v) for k, v in rel.items()}
    return GraphRelationship(rel.element_id, rel.type, start, end, props)
