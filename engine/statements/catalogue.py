"""The analysts' query library: the ``cypher/`` files marked ``// Library: analysts``.

Each library file starts with a comment header::

    // Library: analysts
    // What the query finds (one or more lines).
    // Parameters:
    //   $name  type  what it means          (or "// Parameters: none")
    // Returns: the result columns, and their order

Types are ``string``, ``int``, ``float``, ``bool``, ``datetime`` (ISO 8601 text,
converted by the query with ``datetime()``) and ``list<string>`` (comma-separated
on the command line). The same files run unchanged in Neo4j Browser (after
``:param name => value``) and cypher-shell (``--param``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from engine.errors import UsageError
from engine.statements.files import QUERY_FOLDERS, query_text

LIBRARY_MARKER = "// Library: analysts"
LIBRARY_FOLDER = "library"
PARAMETER_TYPES = ("string", "int", "float", "bool", "datetime", "list<string>")
_PARAM_LINE = re.compile(r"//\s+\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\S+)\s*(?P<doc>.*)")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a library query."""

    name: str
    type: str
    description: str

    def convert(self, text: str) -> Any:
        """Command-line text -> the value passed to Neo4j; raises :class:`UsageError`."""
        try:
            if self.type == "int":
                return int(text)
            if self.type == "float":
                return float(text)
            if self.type == "bool":
                lowered = text.strip().lower()
                if lowered in ("true", "yes", "1"):
                    return True
                if lowered in ("false", "no", "0"):
                    return False
                raise ValueError(text)
            if self.type == "list<string>":
                return [item.strip() for item in text.split(",") if item.strip()]
        except ValueError as exc:
            raise UsageError(
                f"parameter '{self.name}' expects {self.type}, got {text!r}",
                hint=f"e.g. -p {self.name}={_example(self.type)}",
            ) from exc
        return text


def _example(type_name: str) -> str:
    return {
        "int": "5",
        "float": "0.5",
        "bool": "true",
        "datetime": "2026-01-31T00:00:00Z",
        "list<string>": "a,b",
    }.get(type_name, "text")


@dataclass(frozen=True)
class LibraryQuery:
    """A parsed library file."""

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    returns: str
    text: str = field(repr=False)


def parse_header(name: str, text: str) -> LibraryQuery | None:
    """The header of ``text``, or ``None`` when it is not a library query."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != LIBRARY_MARKER:
        return None
    description: list[str] = []
    returns: list[str] = []
    params: list[Parameter] = []
    section = "description"
    for line in lines[1:]:
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        if body.startswith("Parameters:"):
            section = "parameters"
            continue
        if body.startswith("Returns"):
            section = "returns"
            returns.append(body.partition(":")[2].strip())
            continue
        if section == "description":
            description.append(body)
        elif section == "parameters":
            match = _PARAM_LINE.match(line)
            if match:
                params.append(Parameter(match["name"], match["type"], match["doc"].strip()))
        elif section == "returns":
            returns.append(body)
    return LibraryQuery(
        name=name,
        description=" ".join(description).strip(),
        parameters=tuple(params),
        returns=" ".join(r for r in returns if r).strip(),
        text=text,
    )


def query_names(folder: str | None = None) -> list[str]:
    """The ``.cypher`` names in ``cypher/<folder>/`` (both folders when None), sorted."""
    root = resources.files("cypher")
    folders = QUERY_FOLDERS if folder is None else (folder,)
    return sorted(
        entry.name.removesuffix(".cypher")
        for name in folders
        for entry in root.joinpath(name).iterdir()
        if entry.name.endswith(".cypher")
    )


def library() -> list[LibraryQuery]:
    """Every query of ``cypher/library/`` (the analysts' library), sorted by name.

    Raises :class:`UsageError` if a file there lacks the library header.
    """
    out = []
    for name in query_names(LIBRARY_FOLDER):
        parsed = parse_header(name, query_text(name))
        if parsed is None:
            raise UsageError(
                f"cypher/library/{name}.cypher has no '{LIBRARY_MARKER}' header",
                hint="every analysts' query starts with the library header (cypher/README.md)",
            )
        out.append(parsed)
    return out


def get_query(name: str) -> LibraryQuery:
    """The library query ``name``; raises :class:`UsageError` (with the closest names)."""
    queries = {q.name: q for q in library()}
    found = queries.get(name)
    if found is None:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
        hint = (
            f"did you mean {', '.join(close)}? " if close else ""
        ) + "'switchboard query --list' shows the library"
        raise UsageError(f"no library query named '{name}'", hint=hint)
    return found


def bind(query: LibraryQuery, raw: Mapping[str, str]) -> dict[str, Any]:
    """Check and convert ``key=value`` texts against the declared parameters."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        expected = ", ".join(declared) or "none"
        raise UsageError(
            f"query '{query.name}' has no parameter {', '.join(map(repr, unknown))}",
            hint=f"its parameters: {expected}",
        )
    missing = [name for name in declared if name not in raw]
    if missing:
        raise UsageError(
            f"query '{query.name}' needs {', '.join('-p ' + m + '=...' for m in missing)}",
            hint="; ".join(
                f"{p.name} ({p.type}): {p.description}"
                for p in query.parameters
                if p.name in missing
            ),
        )
    return {name: declared[name].convert(value) for name, value in raw.items()}
