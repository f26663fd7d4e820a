"""Reading manifest files: YAML or JSON documents checked against the format, with
errors that name the file, the path inside the document and a did-you-mean."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine.declare.manifest.format import Manifest, model_at
from engine.errors import ManifestError

_YamlLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (much faster), else the pure one."""


@dataclass(frozen=True)
class Document:
    """One parsed manifest document and where it came from."""

    source: str
    manifest: Manifest


def _syntax_error(path: str, exc: Exception) -> ManifestError:
    if isinstance(exc, json.JSONDecodeError):
        return ManifestError(
            f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
            hint="fix the syntax at that line and column",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return ManifestError(
            f"{path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {problem}",
            hint="fix the syntax at that line and column",
        )
    return ManifestError(f"{path}: invalid YAML: {problem}")


def read_documents(path: str | Path) -> list[tuple[str, Any]]:
    """The raw documents of one ``.yaml``/``.yml``/``.json`` file (YAML may hold several)."""
    p = Path(path)
    name = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ManifestError(f"{name}: no such file", hint="check the path given to -f") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{name}: cannot read: {exc}") from exc
    return documents_from_text(text, name, is_json=p.suffix.lower() == ".json")


def documents_from_text(text: str, source: str, *, is_json: bool) -> list[tuple[str, Any]]:
    """The raw documents of manifest text (JSON, or YAML that may hold several), named after
    ``source`` (a file, or a request body); syntax errors name the line and column."""
    try:
        if is_json:
            docs = [json.loads(text)]
        else:
            docs = [d for d in yaml.load_all(text, Loader=_YamlLoader) if d is not None]
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _syntax_error(source, exc) from exc
    except RecursionError:
        raise ManifestError(
            f"{source}: nested deeper than the parser can follow",
            hint=f"flatten the document; manifests need only a few levels (at most {MAX_NESTING})",
        ) from None
    if len(docs) == 1:
        return [(source, docs[0])]
    return [(f"{source}#{i + 1}", d) for i, d in enumerate(docs)]


def _format_loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"must be >= {ctx.get('ge')}"
    if kind == "greater_than":
        return f"must be > {ctx.get('gt')}"
    if kind == "missing":
        return "required"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected')}"
    if kind == "timezone_aware":
        return "must include a timezone (e.g. 2026-01-01T00:00:00Z)"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg[:1].lower() + msg[1:]


def schema_errors(source: str, exc: ValidationError) -> list[str]:
    """Pydantic errors as ``source: path: message`` lines, unknown keys with a did-you-mean."""
    lines: list[str] = []
    for err in exc.errors():
        raw = list(err["loc"])
        loc = [p for p in raw if p not in ("ref", "inline")]
        path = _format_loc(loc)
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            model = model_at(raw[:-1])
            known = sorted(model.model_fields) if model is not None else []
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            tip = f"; did you mean '{close[0]}'?" if close else ""
            lines.append(f"{source}: {_format_loc(loc[:-1])}: unknown key '{key}'{tip}")
            continue
        if err["type"] in ("union_tag_invalid", "model_type", "model_attributes_type"):
            if err["type"] == "union_tag_invalid" or (raw and raw[-1] == "inline"):
                lines.append(f"{source}: {path}: must be a qualifiedName (string) or a mapping")
            else:
                lines.append(f"{source}: {path}: must be a mapping")
            continue
        lines.append(f"{source}: {path}: {_message(err)}")
    return lines


MAX_NESTING = 64
"""Deepest nesting of maps and lists accepted in a manifest (serialisers give up near 255)."""


def _too_deep(data: Any) -> list[int | str] | None:
    """The path of the first value nested deeper than :data:`MAX_NESTING`, if any."""
    # Depth first over the containers only; the path is worked out only when one is too deep.
    containers = (dict, list)
    if not isinstance(data, containers):
        return None
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth >= MAX_NESTING and children:
            return _deep_path(data)
        stack.extend((v, depth + 1) for v in children if isinstance(v, containers))
    return None


def _deep_path(data: Any) -> list[int | str] | None:
    stack: list[tuple[Any, list[int | str]]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_NESTING:
            return path[: MAX_NESTING + 1]
        if isinstance(value, dict):
            stack.extend((v, [*path, str(k)]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(value))
    return None


def parse_document(source: str, data: Any) -> Document:
    """Validate one raw document against :class:`Manifest`; raises :class:`ManifestError`."""
    if not isinstance(data, dict):
        raise ManifestError(
            f"{source}: a manifest must be a mapping with keys such as 'integrationGroups'",
            hint="see docs/manifests.md or 'switchboard schema'",
        )
    too_deep = _too_deep(data)
    if too_deep is not None:
        raise ManifestError(
            f"{source}: {_format_loc(too_deep)}: nested more than {MAX_NESTING} levels deep",
            hint="flatten the value; manifests need only a few levels",
        )
    try:
        return Document(source, Manifest.model_validate(data))
    except ValidationError as exc:
        lines = schema_errors(source, exc)
        raise ManifestError(
            "\n".join(lines), hint="see docs/manifests.md or 'switchboard schema'"
        ) from exc


def load_manifests(paths: Sequence[str | Path]) -> list[Document]:
    """Read, parse and schema-check every file; raises :class:`ManifestError` on the first bad one."""
    if not paths:
        raise ManifestError("no manifest files given", hint="pass one or more -f PATH")
    docs: list[Document] = []
    for path in paths:
        for source, data in read_documents(path):
            docs.append(parse_document(source, data))
    return docs
