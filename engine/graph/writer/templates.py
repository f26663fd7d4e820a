"""The relationship templates: ``cypher/engine/`` statements with a ``<<TYPE>>`` slot, filled
with a relationship type of the model (never one named by input), and how many links of each
type an element may have. The relationship writer and the history recorder both load their
typed statements here."""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from engine.statements.files import query_text
from engine.typesystem import RELATIONSHIP_TYPES

RelationshipKind = Literal["single", "several", "keyed"]

RELATIONSHIP_KINDS: dict[str, RelationshipKind] = {
    RELATIONSHIP_TYPES["RegisteredIntegrationConnector"]: "several",
    RELATIONSHIP_TYPES["AssetConnection"]: "single",
    RELATIONSHIP_TYPES["ConnectionConnectorType"]: "single",
    RELATIONSHIP_TYPES["ConnectToEndpoint"]: "single",
    RELATIONSHIP_TYPES["EmbeddedConnection"]: "several",
    RELATIONSHIP_TYPES["CatalogTarget"]: "keyed",
}
"""How many links of a type an element may have: ``single`` (one per end 1, a new one
replaces the old), ``several`` (one per pair of ends) or ``keyed`` (several per pair, by
catalogTargetName). Selects the tagged lines of the relationship templates."""

RELATIONSHIP_UPSERT = "relationship_upsert"
RELATIONSHIP_CREATE = "relationship_create"
RELATIONSHIP_CREATE_NEW = "relationship_create_new"
IMPORT_CREATE_RELATIONSHIPS = "import_create_relationships"
RELATIONSHIP_TEMPLATES = (
    RELATIONSHIP_UPSERT,
    RELATIONSHIP_CREATE,
    RELATIONSHIP_CREATE_NEW,
    IMPORT_CREATE_RELATIONSHIPS,
    "history_sync_relationships_typed",
)
"""The cypher/engine/ templates with a ``<<TYPE>>`` slot (see :func:`relationship_statement`)."""

_TAG = re.compile(r"\s*//((?:\s*@\w+)+)\s*$")


@cache
def relationship_statement(template: str, rel_type: str) -> str:
    """The text of the template ``cypher/engine/<template>.cypher`` for ``rel_type``.

    ``<<TYPE>>`` becomes the relationship type, which must be one of
    :data:`RELATIONSHIP_KINDS` (code's list; input never names a type); lines tagged
    ``// @single``, ``// @several`` or ``// @keyed`` are kept only for a type of that kind;
    the comment lines describing the template are left out.
    """
    if template not in RELATIONSHIP_TEMPLATES:
        raise ValueError(f"{template!r} is not a relationship template")
    kind = RELATIONSHIP_KINDS[rel_type]  # KeyError: not a relationship type of the model
    lines: list[str] = []
    for line in query_text(template).splitlines():
        if line.startswith("//"):  # the template's description
            continue
        tagged = _TAG.search(line)
        if tagged is not None:
            if kind not in tagged.group(1).replace("@", " ").split():
                continue
            line = line[: tagged.start()]
        lines.append(line.replace("<<TYPE>>", rel_type))
    return "\n".join(lines) + "\n"
