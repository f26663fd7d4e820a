"""The embedded-default Neo4j server: provisioning from Maven Central and running it with Java."""
