// Upsert elements catalogued by an integration connector, keyed on qualifiedName.
// An element that exists under another metadataSourceQualifiedName (or under none,
// e.g. authored by a person) is left untouched and reported as a conflict.
// Parameters: $elements (list of {qualifiedName, guid, labels, properties}),
//             $source (metadataSourceQualifiedName), $user, $now (datetime).
// Returns: qualifiedName, guid, action ('created' | 'updated' | 'unchanged' | 'conflict').
UNWIND $elements AS e
MERGE (n:Referenceable {qualifiedName: e.qualifiedName})
  ON CREATE
    SET n.guid = e.guid, n.version = 0, n.createTime = $now, n.createdBy = $user,
        n.metadataSourceQualifiedName = $source
WITH n, e, n.version = 0 AS created, n.metadataSourceQualifiedName = $source AS owned
WITH n, e, created, owned,
     created OR size([k IN keys(e.properties) WHERE n[k] IS NULL OR n[k] <> e.properties[k]]) > 0 AS changed
CALL (n, e, owned, changed) {
  WITH n, e, owned, changed WHERE owned AND changed
  SET n:$(e.labels)
  SET n += e.properties,
      n.version = n.version + 1,
      n.updateTime = $now,
      n.updatedBy = $user
}
RETURN e.qualifiedName AS qualifiedName,
       n.guid AS guid,
       CASE
         WHEN NOT owned THEN 'conflict'
         WHEN created THEN 'created'
         WHEN changed THEN 'updated'
         ELSE 'unchanged'
       END AS action
