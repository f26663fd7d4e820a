// History: for each connector configuration (a registration and the elements and
// relationships its resolved configuration is made of), the newest change set that recorded
// a state of any of them, and whether any of them is no longer stored as last recorded
// (changed outside Switchboard since, no catch-up recorded yet). The daemon reads it when it
// restarts connectors because their configuration changed (engine/history/changes.py).
// The parts: the registration (by guid), the elements $configurations[].elements (by guid),
// and every relationship of a configuration type going out of $configurations[].from (the
// connector and its connections): live ones and recorded ones, deleted ones included, so
// that a link made, moved or removed counts too. Found through the guid and the states'
// indexes; a state is compared with the stored element as history_sync_elements.cypher does.
// Parameters: $configurations (list of {registration: guid, elements: [guid], from: [guid]}).
// Returns: registration, changeSet (its properties; null when none was recorded or it was
// pruned), outside (true when a part differs from its last recorded state).
UNWIND $configurations AS conf
CALL (conf) {
  UNWIND conf.elements AS guid
  OPTIONAL MATCH (n:Referenceable {guid: guid})
  OPTIONAL MATCH (h:HistoryState {_hKey: guid})
    WHERE h._hUntil IS NULL
  RETURN h,
         CASE WHEN n IS NULL OR h IS NULL OR h._hDeleted
              THEN (n IS NULL) <> (h IS NULL OR h._hDeleted)
              ELSE size(keys(n)) <> size([k IN keys(h) WHERE NOT k STARTS WITH '_h'])
                   OR any(k IN keys(n) WHERE NOT h[k] = n[k])
         END AS differs
  UNION ALL
  OPTIONAL MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: conf.registration}]->()
  OPTIONAL MATCH (h:HistoryState {_hKey: conf.registration})
    WHERE h._hUntil IS NULL
  RETURN h,
         CASE WHEN r IS NULL OR h IS NULL OR h._hDeleted
              THEN (r IS NULL) <> (h IS NULL OR h._hDeleted)
              ELSE size(keys(r)) <> size([k IN keys(h) WHERE NOT k STARTS WITH '_h'])
                   OR any(k IN keys(r) WHERE NOT h[k] = r[k])
                   OR startNode(r).guid <> h._hFrom OR endNode(r).guid <> h._hTo
         END AS differs
  UNION ALL
  UNWIND conf.from AS guid
  MATCH (n:Referenceable {guid: guid})
        -[r:ASSET_CONNECTION|CATALOG_TARGET|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION]->(m)
  OPTIONAL MATCH (h:HistoryState {_hKey: r.guid})
    WHERE h._hUntil IS NULL
  RETURN h,
         CASE WHEN h IS NULL OR h._hDeleted THEN true
              ELSE size(keys(r)) <> size([k IN keys(h) WHERE NOT k STARTS WITH '_h'])
                   OR any(k IN keys(r) WHERE NOT h[k] = r[k])
                   OR guid <> h._hFrom OR m.guid <> h._hTo
         END AS differs
  UNION ALL
  UNWIND conf.from AS guid
  MATCH (h:HistoryState {_hFrom: guid})
  USING INDEX h:HistoryState(_hFrom)
  WHERE h._hUntil IS NULL
    AND h._hType IN ['ASSET_CONNECTION', 'CATALOG_TARGET', 'CONNECTION_CONNECTOR_TYPE',
                     'CONNECT_TO_ENDPOINT', 'EMBEDDED_CONNECTION']
  RETURN h,
         NOT h._hDeleted
         AND NOT EXISTS { MATCH (:Referenceable {guid: guid})-[r {guid: h._hKey}]->() }
           AS differs
}
WITH conf, h, differs
ORDER BY h._hTime DESC, h._hChangeSet
WITH conf, collect(h)[0] AS newest, any(d IN collect(differs) WHERE d) AS outside
OPTIONAL MATCH (c:ChangeSet {id: newest._hChangeSet})
RETURN conf.registration AS registration, c {.*} AS changeSet, outside
