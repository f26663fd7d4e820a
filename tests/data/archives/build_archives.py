"""Writes the small test archives of this folder, in Egeria's .omarchive format.

Run ``python tests/data/archives/build_archives.py`` after changing a case; the
JSON files are committed so tests read them as any archive from Egeria. This
builder is independent of engine/interop (it must not share the code it tests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
T0 = 1767225600000  # 2026-01-01T00:00:00Z in epoch milliseconds
USER = "test-archive"


def prim(value: Any, type_name: str | None = None) -> dict[str, Any]:
    if type_name is None:
        type_name = {bool: "boolean", int: "int", float: "double", str: "string"}[type(value)]
    return {
        "class": "PrimitivePropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": "PRIMITIVE",
        "typeName": type_name,
        "primitiveDefCategory": "OM_PRIMITIVE_TYPE_" + type_name.upper(),
        "primitiveValue": value,
    }


def enum(type_name: str, symbol: str, ordinal: int) -> dict[str, Any]:
    return {
        "class": "EnumPropertyValue",
        "headerVersion": 1,
        "instancePropertyCategory": "ENUM",
        "typeName": type_name,
        "ordinal": ordinal,
        "symbolicName": symbol,
    }


def props(values: dict[str, Any]) -> dict[str, Any]:
    return {"class": "InstanceProperties", "instanceProperties": values}


def typed(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and value.get("class", "").endswith("PropertyValue"):
        return value
    if isinstance(value, dict):
        return {
            "class": "MapPropertyValue",
            "instancePropertyCategory": "MAP",
            "mapValues": props({k: typed(v) for k, v in value.items()}),
            "mapElementCount": len(value),
        }
    if isinstance(value, list):
        return {
            "class": "ArrayPropertyValue",
            "instancePropertyCategory": "ARRAY",
            "arrayCount": len(value),
            "arrayValues": props({str(i): typed(v) for i, v in enumerate(value)}),
        }
    return prim(value)


def instance_type(name: str, category: str) -> dict[str, Any]:
    return {"class": "InstanceType", "typeDefCategory": category, "typeDefName": name}


def header(version: int = 3) -> dict[str, Any]:
    return {
        "createdBy": USER,
        "updatedBy": USER,
        "createTime": T0,
        "updateTime": T0 + 60_000,
        "version": version,
    }


def entity(
    guid: str | None,
    type_name: str,
    values: dict[str, Any],
    classifications: list[tuple[str, dict[str, Any]]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": "EntityDetail",
        "type": instance_type(type_name, "ENTITY_DEF"),
        **header(),
    }
    if guid is not None:
        out["guid"] = guid
    if classifications:
        out["classifications"] = [
            {
                "class": "Classification",
                "type": instance_type(c_type, "CLASSIFICATION_DEF"),
                "name": c_type,
                "properties": props({k: typed(v) for k, v in c_props.items()}),
                "status": "ACTIVE",
            }
            for c_type, c_props in classifications
        ]
    out["properties"] = props({k: typed(v) for k, v in values.items()})
    out["status"] = "ACTIVE"
    return out


def proxy(guid: str, type_name: str | None, qualified_name: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"class": "EntityProxy", **header(1), "guid": guid}
    if type_name is not None:
        out["type"] = instance_type(type_name, "ENTITY_DEF")
    if qualified_name is not None:
        out["uniqueProperties"] = props({"qualifiedName": prim(qualified_name)})
    return out


def relationship(
    guid: str | None,
    type_name: str,
    end1: dict[str, Any] | None,
    end2: dict[str, Any] | None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": "Relationship",
        "type": instance_type(type_name, "RELATIONSHIP_DEF"),
        **header(2),
    }
    if guid is not None:
        out["guid"] = guid
    if end1 is not None:
        out["entityOneProxy"] = end1
    if end2 is not None:
        out["entityTwoProxy"] = end2
    out["properties"] = props({k: typed(v) for k, v in (values or {}).items()})
    out["status"] = "ACTIVE"
    return out


def ref(e: dict[str, Any]) -> dict[str, Any]:
    """The proxy Egeria writes for an entity the archive defines."""
    qn = e["properties"]["instanceProperties"].get("qualifiedName", {}).get("primitiveValue")
    return proxy(e["guid"], e["type"]["typeDefName"], qn)


def archive(name: str, guid: str, entities: list[Any], relationships: list[Any]) -> dict[str, Any]:
    return {
        "class": "OpenMetadataArchive",
        "archiveProperties": {
            "class": "OpenMetadataArchiveProperties",
            "archiveGUID": guid,
            "archiveName": name,
            "archiveDescription": f"Switchboard test archive: {name}",
            "archiveType": "CONTENT_PACK",
            "originatorName": "Switchboard tests",
            "creationDate": T0,
        },
        "archiveInstanceStore": {
            "class": "OpenMetadataArchiveInstanceStore",
            "entities": entities,
            "relationships": relationships,
        },
    }


def g(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def virtual_connection() -> dict[str, Any]:
    group = entity(
        g(1),
        "IntegrationGroup",
        {"qualifiedName": "test:group:files", "displayName": "Files", "deploymentStatus": "ACTIVE"},
    )
    connector = entity(
        g(2),
        "IntegrationConnector",
        {
            "qualifiedName": "test:connector:folder-watcher",
            "displayName": "Folder watcher",
            "usesBlockingCalls": False,
            "activityStatus": enum("ActivityStatus", "IN_PROGRESS", 4),
            "additionalProperties": {"team": "data-platform"},
        },
        [("Anchors", {"anchorGUID": g(2), "anchorTypeName": "IntegrationConnector"})],
    )
    vconn = entity(
        g(3),
        "VirtualConnection",
        {
            "qualifiedName": "test:connection:folder-watcher",
            "displayName": "Folder watcher connection",
            "userId": "watcher",
            "configurationProperties": {"directory": "/data/in", "recursive": True, "depth": 3},
            "securedProperties": {"password": "secrets-store"},
        },
        [("Anchors", {"anchorGUID": g(2), "anchorTypeName": "IntegrationConnector"})],
    )
    ctype = entity(
        g(4),
        "ConnectorType",
        {
            "qualifiedName": "test:connector-type:folder-watcher",
            "connectorProviderClassName": "switchboard.connectors.files:FolderWatcherProvider",
            "recognizedConfigurationProperties": ["directory", "recursive", "depth"],
            "supportedAssetTypeName": "FileFolder",
        },
    )
    secrets = entity(
        g(5),
        "Connection",
        {
            "qualifiedName": "test:connection:secrets",
            "configurationProperties": {"secretsCollectionName": "folder-watcher"},
        },
    )
    endpoint = entity(
        g(6),
        "Endpoint",
        {"qualifiedName": "test:endpoint:secrets-file", "networkAddress": "/etc/sb/secrets.yaml"},
    )
    folder = entity(
        g(7),
        "FileFolder",
        {"qualifiedName": "test:folder:inbox", "pathName": "/data/in", "name": "inbox"},
    )
    template = entity(
        g(8),
        "Connection",
        {"qualifiedName": "test:connection:template", "displayName": "Template connection"},
        [("Template", {"name": "folder watcher template"})],
    )
    component = entity(g(9), "SolutionComponent", {"qualifiedName": "test:component:watcher"})
    action_type = entity(g(10), "GovernanceActionType", {"qualifiedName": "test:action:unrelated"})
    secrets_type = proxy(g(11), "ConnectorType", "test:connector-type:yaml-secrets-store")
    rels = [
        relationship(
            g(101),
            "RegisteredIntegrationConnector",
            ref(group),
            ref(connector),
            {
                "connectorName": "folder-watcher",
                "connectorUserId": "watcher",
                "refreshTimeInterval": prim(5, "long"),
                "permittedSynchronization": enum("PermittedSynchronization", "FROM_THIRD_PARTY", 2),
                "startDate": prim(T0, "date"),
                "generateConnectorActivityReports": True,
            },
        ),
        relationship(g(102), "AssetConnection", ref(connector), ref(vconn)),
        relationship(g(103), "ConnectionConnectorType", ref(vconn), ref(ctype)),
        relationship(
            g(104),
            "EmbeddedConnection",
            ref(vconn),
            ref(secrets),
            {"position": 1, "displayName": "secrets-store", "arguments": {"mode": "read"}},
        ),
        relationship(g(105), "ConnectionConnectorType", ref(secrets), secrets_type),
        relationship(g(106), "ConnectToEndpoint", ref(secrets), ref(endpoint)),
        relationship(
            g(107),
            "CatalogTarget",
            ref(connector),
            ref(folder),
            {
                "catalogTargetName": "inbox",
                "configurationProperties": {"pattern": "*.csv"},
                "templates": {"DataFile": "test:template:data-file"},
                "deleteMethod": enum("DeleteMethod", "ARCHIVE", 0),
            },
        ),
        relationship(g(108), "ImplementedBy", ref(component), ref(connector)),
    ]
    entities = [group, connector, vconn, ctype, secrets, endpoint, folder, template]
    return archive("VirtualConnectionTest", g(900), [*entities, component, action_type], rels)


def old_names() -> dict[str, Any]:
    group = entity(g(21), "IntegrationGroup", {"qualifiedName": "test:group:legacy"})
    connector = entity(
        g(22),
        "IntegrationConnector",
        {"qualifiedName": "test:connector:legacy", "name": "Legacy connector"},
    )
    connection = entity(g(23), "Connection", {"qualifiedName": "test:connection:legacy"})
    endpoint = entity(
        g(24), "Endpoint", {"qualifiedName": "test:endpoint:legacy", "address": "https://h:9443"}
    )
    ctype = proxy(g(25), "ConnectorType", None)
    rels = [
        relationship(
            g(121),
            "RegisteredIntegrationConnector",
            ref(group),
            ref(connector),
            {
                "connectorName": "legacy",
                "stopDate": prim(T0 + 86_400_000, "date"),
                "generateIntegrationReports": False,
            },
        ),
        relationship(g(122), "ConnectionToAsset", ref(connection), ref(connector)),
        relationship(g(123), "ConnectionEndpoint", ref(endpoint), ref(connection)),
        relationship(g(124), "ConnectionConnectorType", ref(connection), ctype),
    ]
    return archive("OldNamesTest", g(901), [group, connector, connection, endpoint], rels)


def proxy_refs() -> dict[str, Any]:
    group = entity(g(31), "IntegrationGroup", {"qualifiedName": "test:group:proxies"})
    connector = entity(g(32), "IntegrationConnector", {"qualifiedName": "test:connector:p"})
    connection = entity(g(33), "Connection", {"qualifiedName": "test:connection:p"})
    database = entity(g(34), "Database", {"qualifiedName": "test:database:sales"})
    rels = [
        relationship(
            g(131),
            "RegisteredIntegrationConnector",
            ref(group),
            ref(connector),
            {"connectorName": "p"},
        ),
        relationship(g(132), "AssetConnection", ref(connector), ref(connection)),
        relationship(
            g(133),
            "ConnectionConnectorType",
            ref(connection),
            proxy(g(35), "ConnectorType", "test:connector-type:shared"),
        ),
        relationship(
            g(134),
            "CatalogTarget",
            proxy(g(36), "IntegrationConnector", "test:connector:elsewhere"),
            ref(database),
            {"catalogTargetName": "sales"},
        ),
    ]
    return archive("ProxyRefsTest", g(902), [group, connector, connection, database], rels)


def proxy_defs() -> dict[str, Any]:
    ctype = entity(
        g(35),
        "ConnectorType",
        {
            "qualifiedName": "test:connector-type:shared",
            "connectorProviderClassName": "switchboard.connectors.shared:Provider",
        },
    )
    elsewhere = entity(g(36), "IntegrationConnector", {"qualifiedName": "test:connector:elsewhere"})
    return archive("ProxyDefsTest", g(903), [ctype, elsewhere], [])


def malformed() -> dict[str, Any]:
    group = entity(g(41), "IntegrationGroup", {"qualifiedName": "test:group:bad"})
    connector = entity(g(42), "IntegrationConnector", {"qualifiedName": "test:connector:bad"})
    reg = relationship(
        g(141),
        "RegisteredIntegrationConnector",
        ref(group),
        ref(connector),
        {"connectorName": "bad"},
    )
    return {"group": group, "connector": connector, "reg": reg}


def write(name: str, doc: dict[str, Any]) -> None:
    (HERE / name).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    write("virtual_connection.omarchive", virtual_connection())
    write("old_names.omarchive", old_names())
    write("proxy_refs.omarchive", proxy_refs())
    write("proxy_defs.omarchive", proxy_defs())

    bad = HERE / "malformed"
    bad.mkdir(exist_ok=True)

    m = malformed()
    no_guid = dict(m["connector"])
    del no_guid["guid"]
    write("malformed/missing_guid.omarchive", archive("Bad", g(910), [m["group"], no_guid], []))

    m = malformed()
    m["connector"]["properties"]["instanceProperties"]["displayName"] = {
        "class": "FancyPropertyValue",
        "value": "x",
    }
    write(
        "malformed/unknown_value_class.omarchive",
        archive("Bad", g(911), [m["group"], m["connector"]], [m["reg"]]),
    )

    m = malformed()
    dangling = relationship(
        g(142), "AssetConnection", ref(m["connector"]), {"class": "EntityProxy", "guid": g(49)}
    )
    write(
        "malformed/missing_end.omarchive",
        archive("Bad", g(912), [m["group"], m["connector"]], [m["reg"], dangling]),
    )

    m = malformed()
    no_end = relationship(g(143), "AssetConnection", ref(m["connector"]), None)
    write(
        "malformed/no_end_proxy.omarchive",
        archive("Bad", g(913), [m["group"], m["connector"]], [m["reg"], no_end]),
    )

    m = malformed()
    reg = dict(m["reg"])
    del reg["guid"]
    write(
        "malformed/relationship_missing_guid.omarchive",
        archive("Bad", g(914), [m["group"], m["connector"]], [reg]),
    )

    m = malformed()
    text = json.dumps(archive("Bad", g(915), [m["group"], m["connector"]], [m["reg"]]), indent=2)
    lines = text.splitlines()
    lines[10] = lines[10].rstrip(",")  # drop a comma between two members: a syntax error
    (bad / "bad_json.omarchive").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
