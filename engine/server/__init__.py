"""The metadata server: the engine over REST (``switchboard serve``).

One FastAPI application (:func:`create_server_app`) with the native API under ``/api/v1``
and Egeria's view-service paths (Connection Maker, Asset Maker, catalog targets), a thin
layer over the engine's public functions: every write goes through the write API and the
writer, so versions, conflicts, cascades and validation are the engine's. Users log in with
Egeria's token endpoint against a users file of hashed passwords (:mod:`.auth`).

The rooms: :mod:`.app` (the application, its error handling and tokens, a threaded server),
:mod:`.native` (``/api/v1``), :mod:`.documents` (manifests and archives in bodies),
:mod:`.elements_io` (bodies to models, ETags), :mod:`.problems` (errors to HTTP),
:mod:`.egeria_bodies` and :mod:`.egeria_paths` (Egeria's view services), :mod:`.lookups`
(the reads Egeria's paths add), :mod:`.egeria_registrations` (connectors registered in
groups, on the view services' and the governance configuration service's paths),
:mod:`.egeria_routes` (all of Egeria's paths on one router) and
:mod:`.auth` (users, passwords, tokens).
"""

from typing import TYPE_CHECKING

from engine.reexports import lazy_reexports

if TYPE_CHECKING:
    from engine.server.app import (
        DEFAULT_SERVER_NAME,
        DEFAULT_SERVER_PORT,
        TOKEN_PATHS,
        LoginRequest,
        MetadataServer,
        ServerOptions,
        create_server_app,
        serve,
    )
    from engine.server.auth import (
        TOKEN_LIFETIME,
        ServerAuth,
        TokenIssuer,
        hash_password,
        load_users,
        server_auth,
        verify_password,
    )
    from engine.server.egeria_bodies import (
        EGERIA_REQUEST_BODIES,
        PROPERTIES_CLASS_TYPES,
        RELATED_FIELDS,
        RELATIONSHIP_BEAN_FIELDS,
        FilterRequestBody,
        NewElementRequestBody,
        NewRelationshipRequestBody,
        SearchStringRequestBody,
        UpdateElementRequestBody,
        UpdateRelationshipRequestBody,
        boolean_response,
        egeria_problem,
        element_from_egeria,
        guid_list_response,
        guid_response,
        relationship_bean,
        relationship_from_egeria,
        relationship_response,
        root_element_response,
        root_elements_response,
        void_response,
    )
    from engine.server.egeria_paths import URL_MARKERS, VIEW_PREFIX
    from engine.server.egeria_registrations import CONFIG_PREFIX
    from engine.server.elements_io import element_document
    from engine.server.problems import DocumentError, PreconditionFailed

__all__ = [
    "CONFIG_PREFIX",
    "DEFAULT_SERVER_NAME",
    "DEFAULT_SERVER_PORT",
    "EGERIA_REQUEST_BODIES",
    "PROPERTIES_CLASS_TYPES",
    "RELATED_FIELDS",
    "RELATIONSHIP_BEAN_FIELDS",
    "TOKEN_LIFETIME",
    "TOKEN_PATHS",
    "URL_MARKERS",
    "VIEW_PREFIX",
    "DocumentError",
    "FilterRequestBody",
    "LoginRequest",
    "MetadataServer",
    "NewElementRequestBody",
    "NewRelationshipRequestBody",
    "PreconditionFailed",
    "SearchStringRequestBody",
    "ServerAuth",
    "ServerOptions",
    "TokenIssuer",
    "UpdateElementRequestBody",
    "UpdateRelationshipRequestBody",
    "boolean_response",
    "create_server_app",
    "egeria_problem",
    "element_document",
    "element_from_egeria",
    "guid_list_response",
    "guid_response",
    "hash_password",
    "load_users",
    "relationship_bean",
    "relationship_from_egeria",
    "relationship_response",
    "root_element_response",
    "root_elements_response",
    "serve",
    "server_auth",
    "verify_password",
    "void_response",
]

__getattr__, __dir__ = lazy_reexports(__name__, __file__)
