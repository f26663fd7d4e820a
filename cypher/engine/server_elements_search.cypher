// Elements whose qualifiedName, displayName or description matches the regular expression
// $pattern, of any of the given labels (Egeria's by-search-string requests).
// Parameters: $pattern (a Java regular expression matched against the whole value),
//             $labels (list of labels; an element needs one of them), $limit.
// Returns per element: qualifiedName, guid, typeName, labels, props (every stored property).
MATCH (n:Referenceable)
WHERE any(label IN labels(n) WHERE label IN $labels)
  AND (n.qualifiedName =~ $pattern OR n.displayName =~ $pattern OR n.description =~ $pattern)
RETURN n.qualifiedName AS qualifiedName, n.guid AS guid, n.typeName AS typeName,
       labels(n) AS labels, properties(n) AS props
ORDER BY qualifiedName
LIMIT $limit
