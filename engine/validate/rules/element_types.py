"""Relationship ends (SPEC §2) and proxy connector types (SPEC §6) (SB028-SB029)."""

from __future__ import annotations

from collections.abc import Iterator

from engine.typesystem import (
    ASSET_CONNECTION,
    CONNECT_TO_ENDPOINT,
    CONNECTION_CONNECTOR_TYPE,
    EMBEDDED_CONNECTION,
    REGISTERED_INTEGRATION_CONNECTOR,
)
from engine.validate.context import Context
from engine.validate.findings import Hit
from engine.validate.registry import rule

_ENDS: dict[str, tuple[str, str]] = {
    REGISTERED_INTEGRATION_CONNECTOR: ("IntegrationGroup", "IntegrationConnector"),
    ASSET_CONNECTION: ("Asset", "Connection"),
    CONNECTION_CONNECTOR_TYPE: ("Connection", "ConnectorType"),
    CONNECT_TO_ENDPOINT: ("Connection", "Endpoint"),
    EMBEDDED_CONNECTION: ("Connection", "Connection"),
}


@rule("SB028", "error", "Relationship between elements of the wrong types", spec="§2")
def _wrong_ends(ctx: Context) -> Iterator[Hit]:
    """Each relationship joins the element types SPEC §2 gives (e.g. AssetConnection:
    Asset -> Connection); other ends are never read. CatalogTarget is rule SB022."""
    for rel_type, (start_label, end_label) in _ENDS.items():
        starts = ctx.labelled(start_label, or_type_name=True)
        ends = ctx.labelled(end_label, or_type_name=True)
        for u, v, _, data in ctx.edges[rel_type]:
            if u in starts and v in ends:
                continue
            wrong = [
                f"{ctx.name(n)} is a {ctx.node(n)['typeName']}, not a {label}"
                for n, label in ((u, start_label), (v, end_label))
                if not (ctx.has_label(n, label) or ctx.node(n)["typeName"] == label)
            ]
            if wrong:
                yield Hit(
                    f"{rel_type} {ctx.name(u)} -> {ctx.name(v)}: {'; '.join(wrong)}",
                    f"{rel_type} links a {start_label} to a {end_label}; relink or retype the element",
                    (ctx.name(u), ctx.name(v)),
                    (u, v),
                    relationship=data["guid"],
                )


@rule("SB029", "warning", "Connector type is only a proxy", spec="§6")
def _proxy_connector_type(ctx: Context) -> Iterator[Hit]:
    """An Egeria archive refers to connector types kept in other archives through proxies
    that carry little more than a guid; the real definition (provider class, recognised
    properties) is missing until that archive is imported."""
    for ct in ctx.runtime_connector_types():
        if ctx.node(ct)["isProxy"]:
            yield Hit(
                f"connector type {ctx.name(ct)} is only a proxy from an archive import",
                "import the archive that defines the connector type, or define it in a manifest",
                (ctx.name(ct),),
                (ct,),
            )
