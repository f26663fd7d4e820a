// History: change sets, newest first, each with its recorded states and the states they
// replaced.
// Parameters: $since, $until (DateTime or null), $keys (guids of the elements and
// relationships to show, or null for all), $limit (int), $changes (int: at most this many
// states of each change set, the first in the order below).
// Returns: changeSet (its properties), changeCount (how many states it recorded, of $keys),
// states (list of {after, before}: the new state, and the one it replaced or null, each
// with its properties and _h* keys).
MATCH (c:ChangeSet)
WHERE ($since IS NULL OR c.time >= $since) AND ($until IS NULL OR c.time <= $until)
  AND ($keys IS NULL
       OR EXISTS { MATCH (s:HistoryState {_hChangeSet: c.id}) WHERE s._hKey IN $keys })
WITH c ORDER BY c.time DESC, c.id
LIMIT $limit
RETURN c {.*} AS changeSet,
       COUNT {
         MATCH (s:HistoryState {_hChangeSet: c.id})
         WHERE $keys IS NULL OR s._hKey IN $keys
       } AS changeCount,
       COLLECT {
         MATCH (s:HistoryState {_hChangeSet: c.id})
         WHERE $keys IS NULL OR s._hKey IN $keys
         WITH s ORDER BY s._hKind DESC, coalesce(s._hName, s._hType), s._hKey
         LIMIT $changes
         OPTIONAL MATCH (p:HistoryState {_hKey: s._hKey})
           WHERE p._hUntil = s._hTime
         WITH s, p ORDER BY s._hKind DESC, coalesce(s._hName, s._hType), s._hKey
         RETURN {after: s {.*}, before: p {.*}}
       } AS states
