"""Declarative integration groups: parse, check, plan (diff), apply and export manifests.

A manifest is a YAML or JSON document (format in docs/manifests.md; JSON Schema
from :func:`manifest_json_schema`) declaring integration groups with their
connectors, connections (inline or by qualifiedName reference), connector
types, endpoints, embedded connections and catalog targets.

Applying is declarative and all-or-nothing: the files are parsed and checked
(syntax, schema, duplicates, dangling references, plaintext secrets) before
anything is written; the plan (create / update / unchanged / delete, with
property diffs) is computed inside the one write transaction that then applies
it, runs the optional validator on the state about to be committed, and
commits. Declared elements get exactly the declared properties (replace
semantics); a declared connector's connection link and a declared
connection's connector type, endpoint and embedded connections are exactly the
declared ones. Registrations and catalog targets the files no longer declare
are deleted only with ``prune``.

The rooms: :mod:`.format` (the document models and their JSON Schema),
:mod:`.reading` (files to checked documents), :mod:`.desired` (documents to the
desired rows), :mod:`.plan` (desired against stored), :mod:`.apply` (plan, and
write in one transaction through :mod:`.write` and :mod:`engine.graph.writer`; what it
reports is :mod:`.report`'s) and
:mod:`.export` (stored groups to a document).
"""

from engine.declare.manifest.apply import apply, apply_documents, validate_in_transaction
from engine.declare.manifest.desired import Desired, collect
from engine.declare.manifest.export import dump_document, export_manifest
from engine.declare.manifest.format import (
    API_VERSION,
    CatalogTargetSpec,
    ConnectionSpec,
    ConnectorDeclaration,
    ConnectorRegistrationSpec,
    EmbeddedConnectionSpec,
    GroupSpec,
    Manifest,
    manifest_json_schema,
)
from engine.declare.manifest.plan import DEFAULT_PRUNE_THRESHOLD, Change, Plan, make_plan
from engine.declare.manifest.reading import (
    Document,
    documents_from_text,
    load_manifests,
    parse_document,
    read_documents,
    schema_errors,
)
from engine.declare.manifest.report import ApplyProgress, ApplyReport, ApplyValidator

__all__ = [
    "API_VERSION",
    "DEFAULT_PRUNE_THRESHOLD",
    "ApplyProgress",
    "ApplyReport",
    "ApplyValidator",
    "CatalogTargetSpec",
    "Change",
    "ConnectionSpec",
    "ConnectorDeclaration",
    "ConnectorRegistrationSpec",
    "Desired",
    "Document",
    "EmbeddedConnectionSpec",
    "GroupSpec",
    "Manifest",
    "Plan",
    "apply",
    "apply_documents",
    "collect",
    "documents_from_text",
    "dump_document",
    "export_manifest",
    "load_manifests",
    "make_plan",
    "manifest_json_schema",
    "parse_document",
    "read_documents",
    "schema_errors",
    "validate_in_transaction",
]
