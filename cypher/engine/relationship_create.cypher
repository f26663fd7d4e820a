// Create relationships of one type that a plan (read in the same transaction) found missing,
// ends by qualifiedName. A template, filled in like relationship_upsert.cypher (<<TYPE>> and
// the @single / @several / @keyed lines). A row whose relationship exists by now (a concurrent
// writer) is left untouched and reported with created = false; the caller then upserts it.
// @single: any other link of this type from end 1 is removed first (one per end 1), then the
// pair is MERGEd; @several: MERGEd on the pair; @keyed: end 1 is write-locked, then the link
// with catalogTargetName = key ('' when unset) is created unless it exists.
// Parameters: $rows [{from, to, key, guid, props}] (ends by qualifiedName), $now, $user.
// Returns per row whose ends exist: from, to, key, guid, version, removed, created.
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
CALL (a, b) {                                                         // @single
  OPTIONAL MATCH (a)-[old:<<TYPE>>]->(other)                          // @single
  WHERE other <> b                                                    // @single
  DELETE old                                                          // @single
  RETURN count(old) AS removed                                        // @single
}                                                                     // @single
WITH a, b, row, 0 AS removed                                          // @several
MERGE (a)-[r:<<TYPE>>]->(b)                                           // @single @several
  ON CREATE SET r += row.props, r.guid = row.guid, r.version = 1, r.createTime = $now,  // @single @several
                r.createdBy = $user, r.updateTime = $now, r.updatedBy = $user, r._new = true  // @single @several
WITH row, r, removed, coalesce(r._new, false) AS created              // @single @several
REMOVE r._new                                                         // @single @several
RETURN row.from AS from, row.to AS to, row.key AS key, r.guid AS guid, r.version AS version,  // @single @several
       removed, created                                               // @single @several
SET a._lock = true                                                    // @keyed
REMOVE a._lock                                                        // @keyed
WITH a, b, row                                                        // @keyed
CALL (a, b, row) {                                                    // @keyed
  OPTIONAL MATCH (a)-[e:<<TYPE>>]->(b)                                // @keyed
  WHERE coalesce(e.catalogTargetName, '') = row.key                   // @keyed
  RETURN count(e) AS existing                                         // @keyed
}                                                                     // @keyed
CALL (a, b, row, existing) {                                          // @keyed
  WITH a, b, row WHERE existing = 0                                   // @keyed
  CREATE (a)-[r:<<TYPE>>]->(b)                                        // @keyed
  SET r += row.props, r.guid = row.guid, r.version = 1, r.createTime = $now,  // @keyed
      r.createdBy = $user, r.updateTime = $now, r.updatedBy = $user   // @keyed
}                                                                     // @keyed
RETURN row.from AS from, row.to AS to, row.key AS key, row.guid AS guid, 1 AS version,  // @keyed
       0 AS removed, existing = 0 AS created                          // @keyed
