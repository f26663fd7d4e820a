"""The embedded-default Neo4j server: provisioning from Maven Central and running it with Java,
with Neo4j Browser and the analysts' library guide on its HTTP connector."""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.local.browser import (
        BROWSER_USER,
        DEFAULT_HTTP_PORT,
        GUIDE_PATH,
        HTTP_SWITCH,
        BrowserBundle,
        browser_url,
        guide_url,
        http_enabled_from_env,
        http_settings,
    )
    from engine.local.host import (
        NEO4J_BROWSER_VERSION,
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
    "BROWSER_USER",
    "DEFAULT_HTTP_PORT",
    "GUIDE_PATH",
    "HTTP_SWITCH",
    "NEO4J_BROWSER_VERSION",
    "NEO4J_VERSION",
    "BrowserBundle",
    "InstanceStatus",
    "JavaInfo",
    "LocalNeo4j",
    "Progress",
    "StartResult",
    "browser_url",
    "find_java",
    "find_maven",
    "free_port",
    "generate_password",
    "guide_url",
    "http_enabled_from_env",
    "http_settings",
    "no_progress",
    "port_is_free",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
