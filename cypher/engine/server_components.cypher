// Server components: name, versions and edition of the Neo4j kernel.
// Returns one row per component: name, versions (list), edition.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition
