// What deleting a connector takes with it: its connections that no other asset uses, every
// connection embedded below them, and each such connection's parents, assets and endpoint.
// The caller keeps only the connections (and endpoints) used by nothing outside the set.
// Parameters: $guid (the connector's guid).
// Returns per connection: guid, assets (guids of assets linking it), parents (guids of virtual
//   connections embedding it), endpoints [{guid, users}] (users = guids of connections using it).
MATCH (c:Referenceable {guid: $guid})-[:ASSET_CONNECTION]->(root:Referenceable)
MATCH (root)-[:EMBEDDED_CONNECTION*0..]->(conn:Referenceable)
WITH DISTINCT conn
RETURN conn.guid AS guid,
       COLLECT { MATCH (a)-[:ASSET_CONNECTION]->(conn) RETURN a.guid } AS assets,
       COLLECT { MATCH (p)-[:EMBEDDED_CONNECTION]->(conn) RETURN p.guid } AS parents,
       COLLECT { MATCH (conn)-[:CONNECT_TO_ENDPOINT]->(e)
                 RETURN {guid: e.guid, users: COLLECT { MATCH (u)-[:CONNECT_TO_ENDPOINT]->(e) RETURN u.guid }} } AS endpoints
