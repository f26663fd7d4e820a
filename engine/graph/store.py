"""The only module that talks to the Neo4j driver.

Queries live in ``cypher/<name>.cypher`` (one statement per file, values only
through parameters) and are loaded by name. Every query runs with a timeout
and transaction metadata naming the operation, so ``SHOW TRANSACTIONS`` and
the query log say which Switchboard operation ran it. One driver per process
(:func:`get_store`); managed transactions retry transient failures.

The server's notifications (a label or property key that does not exist yet on a fresh
database, a deprecation) are not for a user's terminal: the driver logs them as warnings on
``neo4j.notifications``, which Python would print on stderr; they go to the debug log
``switchboard.neo4j.notifications`` instead (``switchboard --log-level DEBUG`` shows them).
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, Query, RoutingControl
from neo4j import exceptions as neo4j_exc

from engine.errors import (
    ConstraintViolation,
    StoreAuthError,
    StoreError,
    StoreTransientError,
    StoreUnavailableError,
    SwitchboardError,
)
from engine.settings import Neo4jSettings
from engine.statements.files import query_text

if TYPE_CHECKING:
    # the embedded default's code is imported only when no NEO4J_URI is given
    from engine.local.server import LocalNeo4j, Progress

T = TypeVar("T")
Params = Mapping[str, Any]

APP_NAME = "switchboard"
READ_ATTEMPTS = 3
"""Tries of an auto-commit read (:meth:`Store.read_values`) that fails transiently."""


NOTIFICATIONS_LOG = logging.getLogger("switchboard.neo4j.notifications")
"""Where the server's notifications go, at DEBUG level."""


class NotificationsToDebugLog(logging.Handler):
    """Re-logs the driver's notification records at DEBUG on :data:`NOTIFICATIONS_LOG`."""

    def emit(self, record: logging.LogRecord) -> None:
        if NOTIFICATIONS_LOG.isEnabledFor(logging.DEBUG):
            NOTIFICATIONS_LOG.debug("%s", record.getMessage())


def route_driver_notifications() -> None:
    """Send the driver's notification log to the debug log, never to stderr by itself.

    The driver's logger keeps level DEBUG of its own, so a caller quieting ``neo4j`` as a
    whole does not hide the notifications from the debug log either.
    """
    driver_log = logging.getLogger("neo4j.notifications")
    driver_log.handlers[:] = [NotificationsToDebugLog()]
    driver_log.propagate = False
    driver_log.setLevel(logging.DEBUG)


route_driver_notifications()


class Statement(NamedTuple):
    """One statement of :meth:`Store.run_pipelined`."""

    name: str
    """The cypher/ file it runs (or whose template ``text`` was built from)."""
    params: dict[str, Any]
    rows: int
    """How many rows it writes (or reads), for progress."""
    text: str | None = None


@contextmanager
def translate_errors(operation: str) -> Iterator[None]:
    """Turn driver exceptions into :mod:`engine.errors` ones with a hint."""
    try:
        yield
    except SwitchboardError:
        raise
    except neo4j_exc.AuthError as exc:
        raise StoreAuthError(
            f"{operation}: Neo4j refused the credentials ({exc.message})",
            hint="check NEO4J_USERNAME and NEO4J_PASSWORD",
        ) from exc
    except (neo4j_exc.ServiceUnavailable, neo4j_exc.SessionExpired, OSError) as exc:
        raise StoreUnavailableError(
            f"{operation}: cannot reach Neo4j ({exc})",
            hint="check that the server runs ('switchboard neo4j status') or that NEO4J_URI is right",
        ) from exc
    except neo4j_exc.Neo4jError as exc:
        raise server_error(operation, exc) from exc
    except neo4j_exc.DriverError as exc:
        kind = StoreTransientError if exc.is_retryable() else StoreError
        raise kind(f"{operation}: {exc}") from exc


def server_error(operation: str, exc: neo4j_exc.Neo4jError) -> StoreError:
    """The :mod:`engine.errors` exception for an error the server sent, by the driver's type:
    :class:`ConstraintViolation` for a broken uniqueness constraint, :class:`StoreTransientError`
    for a retryable one, :class:`StoreError` otherwise; each keeps the driver's classification."""
    kind: type[StoreError] = StoreError
    if isinstance(exc, neo4j_exc.ConstraintError):
        kind = ConstraintViolation
    elif exc.is_retryable():
        kind = StoreTransientError
    return kind(
        f"{operation}: {exc.code}: {exc.message}",
        code=exc.code,
        classification=exc.classification,
        gql_status=exc.gql_status,
    )


class Store:
    """A connected driver plus the query library.

    Build one with :meth:`connect`; use :func:`get_store` for the
    process-wide instance.
    """

    def __init__(
        self,
        driver: neo4j.Driver,
        *,
        uri: str,
        database: str | None = None,
        query_timeout: float = 60.0,
        embedded: LocalNeo4j | None = None,
    ) -> None:
        self.driver = driver
        self.uri = uri
        self.database = database
        self.query_timeout = query_timeout
        self.embedded = embedded

    @classmethod
    def connect(
        cls, settings: Neo4jSettings | None = None, *, embedded: LocalNeo4j | None = None
    ) -> Store:
        """Connect to ``NEO4J_URI``, or to the embedded default's address; only connects.

        Starting the embedded server is the caller's part (:func:`get_store` does it, see
        :func:`start_embedded`); ``embedded`` is the instance to connect to when
        ``settings.uri`` is unset (default: ``settings.instance``). Raises
        :class:`StoreUnavailableError` or :class:`StoreAuthError`.
        """
        settings = settings or Neo4jSettings.from_env()
        if settings.uri is None:
            from engine.local.server import LocalNeo4j

            embedded = embedded or LocalNeo4j(instance=settings.instance)
            uri = embedded.uri
            auth = (settings.username, settings.password or embedded.password())
        else:
            embedded = None
            uri = settings.uri
            auth = (settings.username, settings.password or "")
        driver = GraphDatabase.driver(uri, auth=auth, user_agent=f"{APP_NAME}/0.1")
        store = cls(
            driver,
            uri=uri,
            database=settings.database,
            query_timeout=settings.query_timeout,
            embedded=embedded,
        )
        with translate_errors("connecting"):
            driver.verify_connectivity()
        return store

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --------------------------------------------------------------- queries
    def _query(self, name: str, text: str | None = None, timeout: float | None = None) -> Query:
        return Query(
            text if text is not None else query_text(name),
            metadata={"app": APP_NAME, "operation": name},
            timeout=timeout if timeout is not None else self.query_timeout,
        )

    def _execute(
        self, name: str, params: Params | None, routing: RoutingControl, timeout: float | None
    ) -> list[dict[str, Any]]:
        with translate_errors(name):
            records, _, _ = self.driver.execute_query(
                self._query(name, timeout=timeout),
                dict(params or {}),
                routing_=routing,
                database_=self.database,
            )
        return [record.data() for record in records]

    def read(
        self, name: str, params: Params | None = None, *, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Run the read query ``cypher/<name>.cypher``; rows as dicts."""
        return self._execute(name, params, RoutingControl.READ, timeout)

    def read_values(
        self, name: str, params: Params | None = None, *, timeout: float | None = None
    ) -> list[tuple[Any, ...]]:
        """Like :meth:`read`, but each row as a tuple of values in RETURN order.

        For large nested results of plain values (group resolution): it skips
        ``Record.data()``'s recursive copy, which costs as much as the query itself.
        The statement runs as an auto-commit transaction (one statement is one
        transaction either way): one round trip instead of ``execute_query``'s two
        (its COMMIT waits for a second one), retried like ``execute_query`` when the
        failure is transient, and causally chained to ``execute_query``'s writes
        through the driver's query bookmark manager (:meth:`read_stream` into a list).
        """
        return self.read_stream(name, list, params, timeout=timeout)

    def read_stream(
        self,
        name: str,
        consume: Callable[[Iterator[tuple[Any, ...]]], T],
        params: Params | None = None,
        *,
        timeout: float | None = None,
    ) -> T:
        """Run the read query ``cypher/<name>.cypher`` and hand its rows (value tuples, as
        :meth:`read_values`) to ``consume`` as they arrive; returns what it returns.

        One auto-commit statement and one round trip like :meth:`read_values` (RUN and a
        single PULL of the whole result), but the caller works on the first rows while the
        server still produces the next ones. A transient failure runs the query again and
        calls ``consume`` afresh (the rows it had seen are void); an exception raised by
        ``consume`` itself is not retried.
        """
        query = self._query(name, timeout=timeout)
        parameters = dict(params or {})
        with translate_errors(name):
            for attempt in range(READ_ATTEMPTS):
                try:
                    with self.driver.session(
                        database=self.database,
                        default_access_mode=neo4j.READ_ACCESS,
                        bookmark_manager=self.driver.execute_query_bookmark_manager,
                        fetch_size=-1,
                    ) as session:
                        result = session.run(query, parameters)
                        return consume(tuple(record.values()) for record in result)
                except (neo4j_exc.Neo4jError, neo4j_exc.DriverError) as exc:
                    if not exc.is_retryable() or attempt + 1 == READ_ATTEMPTS:
                        raise
        raise AssertionError("unreachable")  # the loop returns or raises

    def write(
        self,
        name: str,
        params: Params | None = None,
        *,
        timeout: float | None = None,
        retry_seconds: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run the write query ``cypher/<name>.cypher`` in its own transaction.

        ``retry_seconds``: how long the driver may go on retrying a transient failure or an
        unreachable server (its default, 30 s, when None); a caller that runs the statement
        again on its own schedule (the daemon's lease rounds) passes less, so that it is
        not still sleeping between the driver's retries when the server is back."""
        if retry_seconds is None:
            return self._execute(name, params, RoutingControl.WRITE, timeout)
        return self._tx(
            name,
            lambda tx: self.run(tx, name, params),
            True,
            timeout,
            retry_seconds=retry_seconds,
        )

    def run(
        self,
        tx: ManagedTransaction,
        name: str,
        params: Params | None = None,
        *,
        text: str | None = None,
    ) -> list[dict[str, Any]]:
        """Run ``cypher/<name>.cypher`` (or ``text``, built from that file as a template)
        inside a transaction from :meth:`write_tx`."""
        result = tx.run(text if text is not None else query_text(name), dict(params or {}))
        return [record.data() for record in result]

    def run_values(
        self,
        tx: ManagedTransaction,
        name: str,
        params: Params | None = None,
        *,
        text: str | None = None,
    ) -> list[tuple[Any, ...]]:
        """Like :meth:`run`, but each row as a tuple of values in RETURN order.

        For bulk reads of plain values (no nodes or relationships): it skips
        ``Record.data()``'s per-value conversion, which dominates the client's
        CPU time on hundreds of thousands of rows.
        """
        return self.start_values(tx, name, params, text=text)()

    def start_values(
        self,
        tx: ManagedTransaction,
        name: str,
        params: Params | None = None,
        *,
        text: str | None = None,
    ) -> Callable[[], list[tuple[Any, ...]]]:
        """Send ``cypher/<name>.cypher`` inside ``tx`` now; the function returned waits for
        its rows (value tuples, as :meth:`run_values`).

        The server runs the query while the caller works on earlier results. Fetch the
        rows before starting the next query of the transaction (the driver would buffer
        them anyway).
        """
        result = tx.run(text if text is not None else query_text(name), dict(params or {}))
        return lambda: [tuple(record.values()) for record in result]

    def run_pipelined(
        self,
        tx: ManagedTransaction,
        statements: Iterator[Statement],
        handle: Callable[[list[tuple[Any, ...]], int], None],
    ) -> None:
        """Run ``statements`` in order in ``tx``; ``handle(rows, count)`` sees each one's rows.

        Each statement is sent before the previous one's rows are handled, and the next one's
        parameters are built (``statements`` is a generator) while the server runs it, so the
        client's work overlaps the server's instead of adding to it.
        """
        pending: tuple[Callable[[], list[tuple[Any, ...]]], int] | None = None
        for statement in statements:
            fetch = self.start_values(tx, statement.name, statement.params, text=statement.text)
            if pending is not None:
                handle(pending[0](), pending[1])
            pending = (fetch, statement.rows)
        if pending is not None:
            handle(pending[0](), pending[1])

    def _session(self, **config: Any) -> neo4j.Session:
        """A session on this store's database, causally chained to every other operation of
        the process: it shares ``execute_query``'s bookmark manager, so against a cluster
        (``neo4j://``) a read sees the writes this process made before, wherever it is routed."""
        return self.driver.session(
            database=self.database,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
            **config,
        )

    def _tx(
        self,
        operation: str,
        work: Callable[[ManagedTransaction], T],
        write: bool,
        timeout: float | None,
        quiet: Sequence[str] = (),
        *,
        retry_seconds: float | None = None,
    ) -> T:
        unit = neo4j.unit_of_work(
            timeout=timeout if timeout is not None else self.query_timeout,
            metadata={"app": APP_NAME, "operation": operation},
        )(work)
        config: dict[str, Any] = (
            {"notifications_disabled_classifications": list(quiet)} if quiet else {}
        )
        if retry_seconds is not None:
            config["max_transaction_retry_time"] = retry_seconds
        with (
            translate_errors(operation),
            self._session(**config) as session,
        ):
            if write:
                return session.execute_write(unit)
            return session.execute_read(unit)

    def write_tx(
        self,
        operation: str,
        work: Callable[[ManagedTransaction], T],
        *,
        timeout: float | None = None,
    ) -> T:
        """Run ``work`` in one managed write transaction (retried when transient).

        ``work`` must be safe to call again: it may run more than once.
        """
        return self._tx(operation, work, True, timeout)

    def read_tx(
        self,
        operation: str,
        work: Callable[[ManagedTransaction], T],
        *,
        timeout: float | None = None,
        quiet: Sequence[str] = (),
    ) -> T:
        """Run ``work`` in one managed read transaction.

        ``quiet`` names notification classifications the server should not send (e.g.
        ``("DEPRECATION",)`` for a query that knowingly uses ``id()``); the driver logs
        the others as warnings.
        """
        return self._tx(operation, work, False, timeout, quiet)

    def run_text(
        self,
        operation: str,
        text: str,
        params: Params | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> tuple[tuple[str, ...], list[tuple[Any, ...]], dict[str, int]]:
        """Run a statement a user wrote (not a ``cypher/`` file) as one auto-commit transaction:
        its columns, its rows as value tuples and the update counters that are not zero.

        The session is read-access unless ``write``, so the server refuses any write (a
        :class:`StoreError` with the server's code) and nothing is written. For
        :mod:`engine.graph.adhoc` (``switchboard cypher``).
        """
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        with (
            translate_errors(operation),
            self._session(default_access_mode=mode) as session,
        ):
            result = session.run(self._query(operation, text, timeout), dict(params or {}))
            columns = tuple(result.keys())
            rows = [tuple(record.values()) for record in result]
            counters = vars(result.consume().counters)
        changed = {k: v for k, v in counters.items() if not k.startswith("_") and type(v) is int}
        return columns, rows, {k: v for k, v in changed.items() if v}

    def run_autocommit(
        self, name: str, params: Params | None = None, *, timeout: float | None = None
    ) -> None:
        """Run ``cypher/<name>.cypher`` as an auto-commit statement (one that commits in
        batches itself, ``CALL ... IN TRANSACTIONS``), discarding its rows."""
        query = self._query(name, timeout=timeout)
        with translate_errors(name), self._session() as session:
            session.run(query, dict(params or {})).consume()

    def run_ddl(self, operation: str, statement: str) -> None:
        """Run a schema statement (auto-commit; DDL cannot share a transaction).

        Only :mod:`engine.graph.schema` calls this, with text built from code.
        """
        with translate_errors(operation), self._session() as session:
            session.run(self._query(operation, text=statement)).consume()


_lock = threading.Lock()
_stores: dict[Neo4jSettings, Store] = {}


def start_embedded(
    settings: Neo4jSettings, *, progress: Progress | None = None
) -> LocalNeo4j | None:
    """Start the embedded default server when ``settings`` name no URI (no-op when it runs);
    returns it, or ``None`` for an external server. Raises a
    :class:`~engine.errors.LocalNeo4jError` from provisioning."""
    if settings.uri is not None:
        return None
    from engine.local.server import LocalNeo4j, no_progress

    embedded = LocalNeo4j(instance=settings.instance)
    embedded.start(progress=progress or no_progress)
    return embedded


def get_store(settings: Neo4jSettings | None = None, *, progress: Progress | None = None) -> Store:
    """The process-wide :class:`Store` for ``settings`` (default: the environment)."""
    settings = settings or Neo4jSettings.from_env()
    with _lock:
        store = _stores.get(settings)
        if store is None:
            store = Store.connect(settings, embedded=start_embedded(settings, progress=progress))
            _stores[settings] = store
        return store


def close_stores() -> None:
    """Close every driver :func:`get_store` opened."""
    with _lock:
        for store in _stores.values():
            store.close()
        _stores.clear()


atexit.register(close_stores)
