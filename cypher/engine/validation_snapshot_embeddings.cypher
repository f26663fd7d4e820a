// Library: validation
// Every EmbeddedConnection relationship with the properties the validation rules read, for
// `switchboard validate --all` (engine/validate/snapshot.py load_snapshot).
// Parameters: none.
// Returns one row; each column a list with one entry per relationship:
//   starts, ends   internal ids of the parent and the embedded connection
//   guids, position, displayName, arguments (JSON text)
MATCH ()-[r:EMBEDDED_CONNECTION]->()
WITH collect(r) AS rels
RETURN [r IN rels | id(startNode(r))] AS starts, [r IN rels | id(endNode(r))] AS ends,
       [r IN rels | r.guid] AS guids,
       [r IN rels | r.position] AS position,
       [r IN rels | r.displayName] AS displayName,
       [r IN rels | r.arguments] AS arguments
