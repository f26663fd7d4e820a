"""A real connector class that consumes the OpenLineage events published to the daemon."""

from __future__ import annotations

from collections import defaultdict

from engine.daemon import ConnectorProvider, IntegrationConnectorBase

EVENTS: dict[str, list[str]] = defaultdict(list)
"""Events received, by the connector's name."""


class LineageConnector(IntegrationConnectorBase):
    def open_lineage_event(self, event: str) -> None:
        if '"explode"' in event:
            raise ValueError("cannot read this event")
        EVENTS[self.context.connector_name].append(event)


class LineageProvider(ConnectorProvider):
    connector_class = LineageConnector
    consumes_open_lineage_events = True
    description = "test connector that listens for OpenLineage events"
