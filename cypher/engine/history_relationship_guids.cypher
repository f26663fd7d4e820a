// History: the guids of the relationships of the integration-group model that a write may
// touch: those of a type from an element (and to an element when `to` is given), by
// qualifiedNames; and every one at either end of the elements with the guids $incident.
// Parameters: $selectors (list of {type, from, to}: to may be null), $incident (guids).
// Returns: guid, type per relationship found (a relationship may come more than once).
CALL () {
  UNWIND $selectors AS sel
  MATCH (a:Referenceable {qualifiedName: sel.from})-[r]->(b)
  WHERE type(r) = sel.type AND (sel.to IS NULL OR b.qualifiedName = sel.to)
  RETURN r.guid AS guid, type(r) AS type
  UNION ALL
  UNWIND $incident AS guid
  MATCH (a:Referenceable {guid: guid})-[r:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]-()
  RETURN r.guid AS guid, type(r) AS type
}
WITH guid, type WHERE guid IS NOT NULL
RETURN guid, type
