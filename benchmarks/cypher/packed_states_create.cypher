// Benchmark (history --part bound): the states of a batch of elements packed into one node
// (docs/history.md, "A packed layout"): the elements' guids, names and types as lists,
// each element's properties as one text built here (`key:valueType=value;`), and their
// outgoing model relationships flattened into parallel lists (owner's position, guid,
// type, end guid, text). Nothing is looked up first, as for elements a transaction has
// just created. A full-text index on _hKeys (created by the benchmark) finds a key's node.
// Parameters: $guids (list of element guids), $cs (change set id).
// Returns: packed (number of elements packed).
UNWIND $guids AS guid
MATCH (n:Referenceable {guid: guid})
WITH collect(n) AS ns
WHERE size(ns) > 0
UNWIND range(0, size(ns) - 1) AS i
WITH ns, i, ns[i] AS n
WITH ns, collect([(n)-[r]->(m) WHERE r.guid IS NOT NULL |
                  {owner: i, guid: r.guid, type: type(r), to: m.guid,
                   text: reduce(t = '', k IN keys(r) |
                                t + k + ':' + valueType(r[k]) + '='
                                + coalesce(toStringOrNull(r[k]), '') + ';')}]) AS relLists
WITH ns, reduce(acc = [], l IN relLists | acc + l) AS rels
CREATE (p:BenchPackedStates)
SET p._hChangeSet = $cs, p._hTime = datetime.realtime(),
    p._hKeys = [n IN ns | n.guid],
    p._hNames = [n IN ns | n.qualifiedName],
    p._hTypes = [n IN ns | n.typeName],
    p._hTexts = [n IN ns | reduce(t = '', k IN keys(n) |
                                  t + k + ':' + valueType(n[k]) + '='
                                  + coalesce(toStringOrNull(n[k]), '') + ';')],
    p._hRelOwner = [r IN rels | r.owner],
    p._hRelGuids = [r IN rels | r.guid],
    p._hRelTypes = [r IN rels | r.type],
    p._hRelTo = [r IN rels | r.to],
    p._hRelTexts = [r IN rels | r.text]
RETURN size(ns) AS packed
