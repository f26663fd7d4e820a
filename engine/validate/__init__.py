"""Structural validation of integration groups (SPEC.md §3) on one graph of plain dicts.

Resolved groups (views of :mod:`engine.resolved` or their plain data, through
:func:`build_plain`) become one :class:`PlainGraph`, and a whole-database snapshot
(:func:`load_snapshot`) one :class:`networkx.MultiDiGraph` of the same layout
(:mod:`engine.validate.graph`; :func:`build_graph` gives groups that way too). Rules only
read the graph through :class:`Context`, whose per-type indexes are built on demand,
once per validation; networkx is loaded only for a networkx graph, or to untangle
embedding cycles.

Every rule of :data:`RULES` then runs over that graph and *all* findings come
back, sorted, never only the first. A rule is one function registered with
:func:`rule`; its docstring is the explanation ``switchboard validate --rules``
shows. Rules yield :class:`Hit` objects; the runner turns each into one
:class:`Finding` per affected registration (a connector's identity, SPEC §4), so
the daemon can refuse exactly the connectors a finding concerns and the CLI can
group findings by group and connector.

Groups validated together are taken to be the set one daemon runs: the
cross-group rule (``connectorName`` unique, SB006) spans all of them.

The rooms: :mod:`~engine.validate.findings` (what is reported),
:mod:`~engine.validate.registry` (the rule registry), :mod:`~engine.validate.graph`
(graph building), :mod:`~engine.validate.snapshot` (the database snapshot),
:mod:`~engine.validate.context` (the indexes rules share),
:mod:`~engine.validate.runner` (running the rules), :mod:`~engine.validate.providers`
(provider loading for ``--deep``) and :mod:`engine.validate.rules` (one module per
rule family).
"""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.typesystem import (
        ASSET_CONNECTION,
        CATALOG_TARGET,
        CONNECT_TO_ENDPOINT,
        CONNECTION_CONNECTOR_TYPE,
        EMBEDDED_CONNECTION,
        REGISTERED_INTEGRATION_CONNECTOR,
    )
    from engine.validate.context import Context
    from engine.validate.findings import (
        Finding,
        Hit,
        Severity,
        finding_order,
        findings_for_registration,
        has_errors,
    )
    from engine.validate.graph import PlainGraph, build_graph, build_plain
    from engine.validate.providers import is_integration_provider
    from engine.validate.registry import RULES, Rule, rule
    from engine.validate.rules.secrets import (
        SECRET_PROPERTIES,
        SECRETS_COLLECTION,
        is_secrets_store_connector_type,
    )
    from engine.validate.runner import validate_graph, validate_groups
    from engine.validate.snapshot import (
        SNAPSHOT_EDGE_PROPERTIES,
        SNAPSHOT_NODE_PROPERTIES,
        SNAPSHOT_NODES_QUERY,
        SNAPSHOT_RELATIONSHIP_QUERIES,
        graph_from_snapshot,
        load_snapshot,
    )

__all__ = [
    "ASSET_CONNECTION",
    "CATALOG_TARGET",
    "CONNECTION_CONNECTOR_TYPE",
    "CONNECT_TO_ENDPOINT",
    "EMBEDDED_CONNECTION",
    "REGISTERED_INTEGRATION_CONNECTOR",
    "RULES",
    "SECRETS_COLLECTION",
    "SECRET_PROPERTIES",
    "SNAPSHOT_EDGE_PROPERTIES",
    "SNAPSHOT_NODES_QUERY",
    "SNAPSHOT_NODE_PROPERTIES",
    "SNAPSHOT_RELATIONSHIP_QUERIES",
    "Context",
    "Finding",
    "Hit",
    "PlainGraph",
    "Rule",
    "Severity",
    "build_graph",
    "build_plain",
    "finding_order",
    "findings_for_registration",
    "graph_from_snapshot",
    "has_errors",
    "is_integration_provider",
    "is_secrets_store_connector_type",
    "load_snapshot",
    "rule",
    "validate_graph",
    "validate_groups",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
