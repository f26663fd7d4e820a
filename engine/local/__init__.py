"""The embedded-default Neo4j server: provisioning from Maven Central and running it with Java."""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.local.host import (
        NEO4J_VERSION,
        JavaInfo,
        find_java,
        find_maven,
        free_port,
        port_is_free,
    )
    from engine.local.server import (
        LocalNeo4j,
        Progress,
        generate_password,
        no_progress,
    )
    from engine.local.status import InstanceStatus, StartResult

__all__ = [
    "NEO4J_VERSION",
    "InstanceStatus",
    "JavaInfo",
    "LocalNeo4j",
    "Progress",
    "StartResult",
    "find_java",
    "find_maven",
    "free_port",
    "generate_password",
    "no_progress",
    "port_is_free",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
