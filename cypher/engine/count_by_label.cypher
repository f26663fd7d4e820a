// Element counts by label (an element counts once for each of its labels).
// Returns: label, count, ordered by label.
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
