// Archive import: which of the given guids already name an element, and which elements
// already hold the given qualifiedNames (conflicts, proxies matched by name), in one round trip.
// Parameters: $guids (list of guid strings), $qualifiedNames (list of strings).
// Returns: one row: stored, a list of [guid, elementId] for the guids that exist; holders, a
// list of [qualifiedName, guid, elementId] for the names some element holds.
// Index hints keep the plan on the indexes whatever the statistics say: they lag behind an
// archive's bulk writes and wipes, and the plans are re-chosen when they change.
CALL () {
  UNWIND $guids AS guid
  MATCH (n:Referenceable {guid: guid}) USING INDEX n:Referenceable(guid)
  RETURN collect([guid, elementId(n)]) AS stored
}
CALL () {
  UNWIND $qualifiedNames AS qualifiedName
  MATCH (n:Referenceable {qualifiedName: qualifiedName})
  USING INDEX n:Referenceable(qualifiedName)
  RETURN collect([qualifiedName, n.guid, elementId(n)]) AS holders
}
RETURN stored, holders
