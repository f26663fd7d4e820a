"""Every Egeria path on a router: the view services' collections, links and catalog targets
(:mod:`engine.server.egeria_paths`) and the registrations of connectors in groups
(:mod:`engine.server.egeria_registrations`), all answering for one server name."""

from __future__ import annotations

from fastapi import APIRouter

from engine.graph.store import Store
from engine.server import egeria_registrations
from engine.server.egeria_paths import COLLECTIONS, LINKS, VIEW_PREFIX, EgeriaViews


def add_egeria_view_routes(router: APIRouter, store: Store, server_name: str) -> None:
    """Every Egeria path on ``router``, answering for ``server_name``."""
    views = EgeriaViews(store, server_name)
    for collection in COLLECTIONS:
        views.add_collection(router, collection)
    for (end1, end2), rel_type in LINKS.items():
        views.add_link(router, end1, end2, rel_type)
    views.add_catalog_targets(router)
    egeria_registrations.add_view_routes(router, views, VIEW_PREFIX)
    egeria_registrations.add_config_routes(router, views)
