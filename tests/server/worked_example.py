"""The seed's worked example (SPEC §2, §5): one group whose connector has a virtual connection
embedding a YAML secrets store, a connector type, an endpoint, and a catalog target to a
database - as a manifest, and built call by call through Egeria's view-service paths."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

GROUP = "Example:IntegrationGroup:warehouse"
CONNECTOR = "Example:IntegrationConnector:warehouse-cataloguer"

MANIFEST = f"""
apiVersion: switchboard/v1
connectorTypes:
  - qualifiedName: Example:ConnectorType:SqlDatabaseCataloguer
    connectorProviderClassName: engine.connectors.sql:SqlDatabaseCataloguerProvider
  - qualifiedName: Example:ConnectorType:YamlSecretsStore
    connectorProviderClassName: engine.connectors.secrets:YamlSecretsStoreProvider
endpoints:
  - qualifiedName: Example:Endpoint:secrets
    networkAddress: demo/secrets.yaml
    protocol: file
elements:
  - typeName: Database
    qualifiedName: Example:Database:warehouse
    displayName: Warehouse
    properties:
      pathName: demo/warehouse.db
integrationGroups:
  - qualifiedName: {GROUP}
    displayName: Warehouse
    connectors:
      - qualifiedName: {CONNECTOR}
        displayName: Warehouse cataloguer
        registration:
          connectorName: WarehouseCataloguer
          refreshTimeInterval: 30
        connection:
          qualifiedName: Example:VirtualConnection:warehouse
          typeName: VirtualConnection
          connectorType: Example:ConnectorType:SqlDatabaseCataloguer
          endpoint:
            qualifiedName: Example:Endpoint:warehouse-db
            networkAddress: demo/warehouse.db
            protocol: sqlite
          userId: warehouse-reader
          clearPassword: warehouse-secrets:password
          embeddedConnections:
            - position: 1
              displayName: warehouse-secrets
              connection:
                qualifiedName: Example:Connection:secrets-store
                connectorType: Example:ConnectorType:YamlSecretsStore
                endpoint: Example:Endpoint:secrets
                configurationProperties:
                  secretsCollectionName: warehouse
        catalogTargets:
          - element: Example:Database:warehouse
            catalogTargetName: warehouse
"""

Post = Callable[[str, dict[str, Any]], dict[str, Any]]
"""Post a JSON body to a view-service path (after the url marker); the response document."""


def _guid(response: dict[str, Any]) -> str:
    assert response["relatedHTTPCode"] == 200, response
    return str(response["guid"])


def _void(response: dict[str, Any]) -> None:
    assert response == {"class": "VoidResponse", "relatedHTTPCode": 200}, response


def _new(bean: str, **properties: Any) -> dict[str, Any]:
    """A NewElementRequestBody with a properties bean of class ``bean``."""
    return {"class": "NewElementRequestBody", "properties": {"class": bean, **properties}}


def build_through_egeria(post: Post) -> None:
    """Create the worked example with Egeria's Connection Maker, Asset Maker and
    catalog-target calls only."""
    sql_type = _guid(
        post(
            "/connector-types",
            _new(
                "ConnectorTypeProperties",
                qualifiedName="Example:ConnectorType:SqlDatabaseCataloguer",
                connectorProviderClassName="engine.connectors.sql:SqlDatabaseCataloguerProvider",
            ),
        )
    )
    secrets_type = _guid(
        post(
            "/connector-types",
            _new(
                "ConnectorTypeProperties",
                qualifiedName="Example:ConnectorType:YamlSecretsStore",
                connectorProviderClassName="engine.connectors.secrets:YamlSecretsStoreProvider",
            ),
        )
    )
    secrets_endpoint = _guid(
        post(
            "/endpoints",
            _new(
                "EndpointProperties",
                qualifiedName="Example:Endpoint:secrets",
                networkAddress="demo/secrets.yaml",
                protocol="file",
            ),
        )
    )
    db_endpoint = _guid(
        post(
            "/endpoints",
            _new(
                "EndpointProperties",
                qualifiedName="Example:Endpoint:warehouse-db",
                networkAddress="demo/warehouse.db",
                protocol="sqlite",
            ),
        )
    )
    database = _guid(
        post(
            "/assets",
            _new(
                "AssetProperties",
                typeName="Database",
                qualifiedName="Example:Database:warehouse",
                displayName="Warehouse",
                extendedProperties={"pathName": "demo/warehouse.db"},
            ),
        )
    )
    group = _guid(
        post(
            "/assets",
            _new(
                "AssetProperties",
                typeName="IntegrationGroup",
                qualifiedName=GROUP,
                displayName="Warehouse",
            ),
        )
    )
    connector = _guid(
        post(
            "/assets",
            _new(
                "AssetProperties",
                typeName="IntegrationConnector",
                qualifiedName=CONNECTOR,
                displayName="Warehouse cataloguer",
            ),
        )
    )
    virtual = _guid(
        post(
            "/connections",
            {
                **_new(
                    "VirtualConnectionProperties",
                    qualifiedName="Example:VirtualConnection:warehouse",
                    userId="warehouse-reader",
                    clearPassword="warehouse-secrets:password",
                ),
                "parentGUID": connector,
                "parentRelationshipTypeName": "AssetConnection",
                "parentAtEnd1": True,
            },
        )
    )
    store_connection = _guid(
        post(
            "/connections",
            _new(
                "ConnectionProperties",
                qualifiedName="Example:Connection:secrets-store",
                configurationProperties={"secretsCollectionName": "warehouse"},
            ),
        )
    )
    relationship: dict[str, Any] = {"class": "NewRelationshipRequestBody"}
    _void(post(f"/connections/{virtual}/connector-types/{sql_type}/attach", relationship))
    _void(post(f"/connections/{virtual}/endpoints/{db_endpoint}/attach", relationship))
    _void(
        post(f"/connections/{store_connection}/connector-types/{secrets_type}/attach", relationship)
    )
    _void(
        post(f"/connections/{store_connection}/endpoints/{secrets_endpoint}/attach", relationship)
    )
    embedding = {
        "class": "NewRelationshipRequestBody",
        "properties": {
            "class": "EmbeddedConnectionProperties",
            "position": 1,
            "displayName": "warehouse-secrets",
        },
    }
    _void(post(f"/connections/{virtual}/embedded-connections/{store_connection}/attach", embedding))
    registration = {
        "class": "NewRelationshipRequestBody",
        "properties": {
            "class": "RegisteredIntegrationConnectorProperties",
            "connectorName": "WarehouseCataloguer",
            "refreshTimeInterval": 30,
        },
    }
    _void(post(f"/integration-groups/{group}/integration-connectors/{connector}", registration))
    target = {
        "class": "NewRelationshipRequestBody",
        "properties": {"class": "CatalogTargetProperties", "catalogTargetName": "warehouse"},
    }
    _guid(post(f"/integration-connectors/{connector}/catalog-targets/{database}", target))


AUDIT = {"guid", "version", "createTime", "updateTime", "createdBy", "updatedBy"}


def without_identity(resolved_json: str) -> Any:
    """A resolved group's canonical JSON with guids and audit fields left out: what two
    builds of the same group share."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in AUDIT}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(resolved_json))
