"""A subset of the engine through a ``neo4j://`` routing URI against the session's server.

The routing driver asks the server for its routing table and sends writes to the writer,
reads to readers; on a single server both are that server. Writes run in managed write
transactions, and a read that must see an earlier write (apply, then resolve) gets it
through the driver's bookmarks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from engine.daemon import LeaseKeeper, lease_states
from engine.declare import manifest as mf
from engine.graph import Store, check_schema, group_fingerprints, resolve_groups
from tests import conftest


@pytest.fixture
def routed(store: Store, neo4j_server: conftest.TestServer) -> Iterator[Store]:
    """A second store on the same (wiped) server, through ``neo4j://``."""
    uri = neo4j_server.settings.uri
    if uri is None or not uri.startswith("bolt://"):
        pytest.fail(f"the routing test needs a bolt:// test server to rewrite, not {uri}")
    routed = Store.connect(replace(neo4j_server.settings, uri="neo4j://" + uri[len("bolt://") :]))
    try:
        yield routed
    finally:
        routed.close()


MANIFEST = {
    "connectorTypes": [{"qualifiedName": "rt.type", "connectorProviderClassName": "m:P"}],
    "integrationGroups": [
        {
            "qualifiedName": "rt.group",
            "connectors": [
                {
                    "qualifiedName": f"rt.connector.{i}",
                    "registration": {"connectorName": f"rt{i}"},
                    "connection": {
                        "qualifiedName": f"rt.connection.{i}",
                        "connectorType": "rt.type",
                    },
                }
                for i in range(3)
            ],
        }
    ],
}


def test_apply_resolve_and_leases_through_a_routing_uri(routed: Store) -> None:
    assert routed.uri.startswith("neo4j://")
    assert check_schema(routed).ok
    doc = mf.Document("routing", mf.Manifest.model_validate(MANIFEST))
    mf.apply_documents(routed, [doc], force=True)
    before = group_fingerprints(routed, ["rt.group"])
    [group] = resolve_groups(routed, ["rt.group"])
    assert sorted(c.connector_name for c in group.connectors) == ["rt0", "rt1", "rt2"]

    keeper = LeaseKeeper(routed, name="routed")
    keeper.heartbeat()
    registrations = [c.registration.guid for c in group.connectors]
    assert {g.registration for g in keeper.acquire(registrations)} == set(registrations)
    assert keeper.renew() == []
    assert {s.holder for s in lease_states(routed, registrations).values()} == {keeper.daemon_id}
    keeper.shutdown()
    assert {s.holder for s in lease_states(routed, registrations).values()} == {None}

    changed = {**MANIFEST, "integrationGroups": [{**MANIFEST["integrationGroups"][0]}]}
    changed["integrationGroups"][0]["connectors"] = MANIFEST["integrationGroups"][0]["connectors"][
        :2
    ]
    mf.apply_documents(
        routed,
        [mf.Document("routing", mf.Manifest.model_validate(changed))],
        prune=True,
        force=True,
    )
    assert group_fingerprints(routed, ["rt.group"]) != before  # the read sees the write
    [group] = resolve_groups(routed, ["rt.group"])
    assert sorted(c.connector_name for c in group.connectors) == ["rt0", "rt1"]
