"""Connector SDK, provider registry and secrets resolution."""
