"""Built-in connectors that do real work.

* :mod:`engine.connectors.files` - ``DataFilesMonitorProvider``: catalogues the files under a folder.
* :mod:`engine.connectors.sql` - ``SqlDatabaseCataloguerProvider``: catalogues schemas, tables
  and columns of a database through SQLAlchemy inspection.
* :mod:`engine.connectors.secrets` - ``YamlSecretsStoreProvider``: a secrets store in a YAML file.
"""
