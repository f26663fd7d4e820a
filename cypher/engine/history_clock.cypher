// History: the server's clock, which change sets are timed by (a prune may not reach past it).
// Returns: now (DateTime).
RETURN datetime.realtime() AS now
