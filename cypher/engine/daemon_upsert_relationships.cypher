// Create the relationships a connector catalogues (between elements by qualifiedName)
// that do not exist yet; existing ones are kept as they are.
// Parameters: $relationships (list of {type, from, to, guid}), $source, $user, $now.
// Relationship types come from engine/typesystem.py, never from input.
// Returns: count (relationships matched or created).
UNWIND $relationships AS r
MATCH (a:Referenceable {qualifiedName: r.from})
MATCH (b:Referenceable {qualifiedName: r.to})
MERGE (a)-[x:$(r.type)]->(b)
  ON CREATE
    SET x.guid = r.guid, x.version = 1, x.createTime = $now, x.createdBy = $user,
        x.updateTime = $now, x.updatedBy = $user, x.metadataSourceQualifiedName = $source
RETURN count(x) AS count
