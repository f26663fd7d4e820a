"""Switchboard's exception hierarchy.

Every error the engine raises on purpose is a :class:`SwitchboardError`. Each
carries a message (what went wrong, naming the thing involved), an optional
``hint`` (how to fix it) and an ``exit_code`` the CLI uses: 2 for bad input or
usage, 1 for failed checks and failed operations.

::

    SwitchboardError
    ├── UsageError                    bad input: arguments, files, manifests   (exit 2)
    │   ├── ManifestError             a manifest that cannot be read or applied
    │   └── ArchiveError              a malformed Egeria open metadata archive
    ├── LocalNeo4jError               provisioning the embedded-default server  (exit 1)
    │   ├── JavaNotFoundError         no java executable
    │   ├── JavaVersionError          a Java the server does not support
    │   ├── MavenNotFoundError        no mvn executable
    │   ├── DownloadError             Maven could not resolve the server artifacts
    │   ├── PortInUseError            the Bolt port is taken by another process
    │   └── ServerStartError          the server process died or never answered
    ├── DaemonError                   running integration connectors            (exit 1)
    │   ├── ProviderLoadError         a connector provider cannot be loaded
    │   ├── ConnectorConfigError      a connection's configuration does not fit its provider
    │   ├── SecretUnavailableError    a secret reference cannot be resolved
    │   ├── DaemonUnreachableError    the daemon's control API does not answer
    │   │   └── ForwardRefusedError   a connector's holder refused a request passed on (token)
    │   └── LeaseLostError            a connector's lease is no longer this daemon's
    └── StoreError                    talking to Neo4j                          (exit 1)
        ├── StoreUnavailableError     the server cannot be reached              (retryable)
        ├── StoreTransientError       a failure the server says may pass        (retryable)
        ├── StoreAuthError            the server refused the credentials
        ├── QueryNotFoundError        no such file in cypher/
        ├── SchemaError               a constraint or index is missing or failed
        ├── NotFoundError             no element with that qualifiedName or guid
        ├── WriteRefusedError         a write sent in a read-only session
        └── ConflictError             an update expected another version
            └── ConstraintViolation   a write broke a uniqueness constraint

A :class:`StoreError` translated from a driver error keeps the driver's ``code``,
``classification`` and ``gql_status`` (``None`` otherwise); :meth:`StoreError.is_retryable`
says whether running the work again may succeed, as the driver's own ``is_retryable``.
"""

from __future__ import annotations


class SwitchboardError(Exception):
    """Base of every error Switchboard raises deliberately."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class UsageError(SwitchboardError):
    """Bad input from the caller: arguments, files or documents."""

    exit_code = 2


class ManifestError(UsageError):
    """A manifest that cannot be parsed, or that names things that do not fit."""


class ArchiveError(UsageError):
    """A malformed Egeria open metadata archive (``.omarchive``): names the file and the instance."""


class LocalNeo4jError(SwitchboardError):
    """Provisioning or running the embedded-default Neo4j server failed."""


class JavaNotFoundError(LocalNeo4jError):
    """No ``java`` executable was found (``JAVA_HOME`` or ``PATH``)."""


class JavaVersionError(LocalNeo4jError):
    """The Java found is a version Neo4j 5.26 does not run on."""


class MavenNotFoundError(LocalNeo4jError):
    """No ``mvn`` executable was found on ``PATH``."""


class DownloadError(LocalNeo4jError):
    """Maven could not resolve the Neo4j artifacts (network or repository)."""


class PortInUseError(LocalNeo4jError):
    """The requested Bolt port is already bound by another process."""


class ServerStartError(LocalNeo4jError):
    """The server process exited, or did not answer Bolt in time."""


class DaemonError(SwitchboardError):
    """A failure while running integration connectors."""


class ProviderLoadError(DaemonError):
    """``connectorProviderClassName`` names nothing loadable, or not a provider."""


class ConnectorConfigError(DaemonError):
    """A connection's configuration does not fit its provider's schema."""


class SecretUnavailableError(DaemonError):
    """A secret reference (``env:``, ``file:``, secrets-store purpose) cannot be resolved."""


class DaemonUnreachableError(DaemonError):
    """The daemon's control API does not answer (not running, wrong port or token)."""


class ForwardRefusedError(DaemonUnreachableError):
    """The daemon holding a connector refused a request another daemon passed on to it:
    its control API's bearer token is not the passing daemon's."""

    def __init__(self, message: str, *, holder: str, api_url: str, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.holder = holder
        self.api_url = api_url


class LeaseLostError(DaemonError):
    """A connector's lease is no longer held by this daemon with the epoch it ran under
    (another daemon took it, or it expired): its write is refused and it must stop."""

    def __init__(
        self, message: str, *, registration: str, holder: str | None, epoch: int | None
    ) -> None:
        super().__init__(message, hint="another daemon runs the connector now")
        self.registration = registration
        self.holder = holder
        self.epoch = epoch


class StoreError(SwitchboardError):
    """A failure while talking to Neo4j.

    ``code`` (e.g. ``Neo.ClientError.Schema.ConstraintValidationFailed``),
    ``classification`` (e.g. ``CLIENT_ERROR``) and ``gql_status`` are the driver's, when the
    error came from the server; ``None`` otherwise.
    """

    retryable: bool = False
    """Whether the same work run again may succeed (the class default; see :meth:`is_retryable`)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        classification: str | None = None,
        gql_status: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.classification = classification
        self.gql_status = gql_status

    def is_retryable(self) -> bool:
        """Whether running the same work again may succeed (like the driver's ``is_retryable``)."""
        return self.retryable


class StoreUnavailableError(StoreError):
    """The Neo4j server cannot be reached."""

    retryable = True


class StoreTransientError(StoreError):
    """A failure the server classifies as transient (deadlock, leader switch, ...): may pass."""

    retryable = True


class StoreAuthError(StoreError):
    """The Neo4j server refused the configured credentials."""


class QueryNotFoundError(StoreError):
    """A query name does not match a file in ``cypher/``."""


class SchemaError(StoreError):
    """A constraint or index could not be created or is missing."""


class NotFoundError(StoreError):
    """No element (or relationship) matches the given key."""


class WriteRefusedError(StoreError):
    """A statement tried to write in a read-access session (``switchboard cypher`` without
    ``--write``); the server refused it, so nothing was written."""


class ConflictError(StoreError):
    """An update carried an expected version the element has moved past."""


class ConstraintViolation(ConflictError):
    """A write broke a uniqueness constraint: another transaction committed that element first.

    Raised for the driver's ``ConstraintError``; ``code``, ``classification`` and
    ``gql_status`` are the driver's.
    """
