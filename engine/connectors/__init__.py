"""Built-in connectors that do real work.

* :mod:`engine.connectors.files` - ``DataFilesMonitorProvider``: catalogues the files under a folder.
* :mod:`engine.connectors.sql` - ``SqlDatabaseCataloguerProvider``: catalogues schemas, tables
  and columns of a database through SQLAlchemy inspection.
* :mod:`engine.connectors.secrets` - ``YamlSecretsStoreProvider``: a secrets store in a YAML file.
"""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.connectors.files import (
        DataFilesConfig,
        DataFilesMonitor,
        DataFilesMonitorProvider,
        file_qualified_name,
    )
    from engine.connectors.secrets import (
        YamlSecretsConfig,
        YamlSecretsStore,
        YamlSecretsStoreProvider,
    )
    from engine.connectors.sql import (
        SqlCataloguerConfig,
        SqlDatabaseCataloguer,
        SqlDatabaseCataloguerProvider,
    )

__all__ = [
    "DataFilesConfig",
    "DataFilesMonitor",
    "DataFilesMonitorProvider",
    "SqlCataloguerConfig",
    "SqlDatabaseCataloguer",
    "SqlDatabaseCataloguerProvider",
    "YamlSecretsConfig",
    "YamlSecretsStore",
    "YamlSecretsStoreProvider",
    "file_qualified_name",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
