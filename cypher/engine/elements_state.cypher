// Elements by qualifiedName without their timestamps (for plans and exports: decoding driver
// datetimes dominates the cost of reading many elements, and neither needs them).
// Parameters: $qualifiedNames (list of strings).
// Returns per element found: qualifiedName, guid, typeName, labels, props (stored properties
//   except createTime and updateTime).
UNWIND $qualifiedNames AS qn
MATCH (n:Referenceable {qualifiedName: qn})
RETURN n.qualifiedName AS qualifiedName, n.guid AS guid, n.typeName AS typeName,
       labels(n) AS labels, n{.*, createTime: null, updateTime: null} AS props
