"""Connector leases and daemon heartbeats: the writes that let several daemons share groups.

One ``(:ConnectorLease {registration})`` per connector registration says which daemon
process (``holder``, a ``(:Daemon {id})``) may run that connector, under which ``epoch``,
until when (``expiresAt``, the server's clock), and what the operator wants of it
(``desiredState``). Every statement here write-locks each lease node before it reads its
holder or expiry (``cypher/engine/lease_*.cypher``), so two daemons racing for one lease
are serialized instead of both seeing it free under read-committed isolation. Each runs
with a short transaction timeout (``timeout``), so a stopped process cannot hold a lock
for long. Registrations are always sent sorted: every statement locks leases in the same
order, so two daemons working on overlapping sets wait for each other instead of
deadlocking.

A connector's writes are *fenced* (:func:`fenced_write`): the same transaction first
locks its lease and checks that this daemon still holds it with the epoch it started
under, unexpired; otherwise nothing is written and :class:`~engine.errors.LeaseLostError`
is raised (after the fence's ``on_lost`` is told).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from engine.errors import LeaseLostError
from engine.graph.store import Store

LEASE_STATEMENT_TIMEOUT = 10.0
"""Default transaction timeout (seconds) of a lease statement."""

DESIRED_STATES = ("RUNNING", "PAUSED", "STOPPED")
"""What an operator may ask of a connector, kept with its lease."""


@dataclass(frozen=True)
class LeaseGrant:
    """A lease this daemon holds after an acquire or renew."""

    registration: str
    epoch: int
    expires_at: str
    """The server's expiry time (ISO 8601)."""
    desired_state: str | None
    changed: bool = False
    """Whether the holder changed (acquire only): the epoch went up."""


@dataclass(frozen=True)
class LeaseFence:
    """What a connector's writes must prove: ``daemon_id`` holds ``registration`` at ``epoch``."""

    registration: str
    daemon_id: str
    epoch: int
    timeout: float = LEASE_STATEMENT_TIMEOUT
    """Transaction timeout of a fenced write: the write holds the lease's lock, so a stopped
    process keeps others from taking the lease at most this long."""
    on_lost: Callable[[LeaseLostError], None] | None = field(default=None, compare=False)
    """Told (before the error is raised) when a write finds the lease lost."""


def _grants(rows: Iterable[Mapping[str, Any]]) -> list[LeaseGrant]:
    return [
        LeaseGrant(
            registration=row["registration"],
            epoch=int(row["epoch"]),
            expires_at=row["expiresAt"],
            desired_state=row.get("desiredState"),
            changed=bool(row.get("changed", False)),
        )
        for row in rows
    ]


def heartbeat_daemon(
    store: Store,
    *,
    daemon_id: str,
    name: str,
    api_url: str | None,
    groups: Sequence[str],
    all_groups: bool,
    timeout: float = LEASE_STATEMENT_TIMEOUT,
    retry_seconds: float | None = None,
) -> str:
    """Register daemon process ``daemon_id`` or renew its heartbeat; the server's time of it."""
    rows = store.write(
        "lease_daemon_heartbeat",
        {
            "daemonId": daemon_id,
            "name": name,
            "apiUrl": api_url,
            "groups": list(groups),
            "allGroups": all_groups,
        },
        timeout=timeout,
        retry_seconds=retry_seconds,
    )
    return str(rows[0]["heartbeatAt"])


def remove_daemon(
    store: Store,
    daemon_id: str,
    *,
    timeout: float = LEASE_STATEMENT_TIMEOUT,
    retry_seconds: float | None = None,
) -> None:
    """Forget daemon process ``daemon_id`` (a clean stop, after releasing its leases)."""
    store.write(
        "lease_daemon_remove", {"daemonId": daemon_id}, timeout=timeout, retry_seconds=retry_seconds
    )


def acquire_leases(
    store: Store,
    registrations: Iterable[str],
    *,
    daemon_id: str,
    lease_seconds: float,
    timeout: float = LEASE_STATEMENT_TIMEOUT,
    retry_seconds: float | None = None,
) -> list[LeaseGrant]:
    """Take every lease of ``registrations`` that is free, expired or already this daemon's
    (creating missing ones); the leases taken. The epoch goes up where the holder changed."""
    return _lease_statement(
        store, "lease_acquire", registrations, daemon_id, lease_seconds, timeout, retry_seconds
    )


def renew_leases(
    store: Store,
    registrations: Iterable[str],
    *,
    daemon_id: str,
    lease_seconds: float,
    timeout: float = LEASE_STATEMENT_TIMEOUT,
    retry_seconds: float | None = None,
) -> list[LeaseGrant]:
    """Extend, in one statement, every lease of ``registrations`` this daemon still holds;
    the leases renewed (one missing from them is lost)."""
    return _lease_statement(
        store, "lease_renew", registrations, daemon_id, lease_seconds, timeout, retry_seconds
    )


def _lease_statement(
    store: Store,
    statement: str,
    registrations: Iterable[str],
    daemon_id: str,
    lease_seconds: float,
    timeout: float,
    retry_seconds: float | None,
) -> list[LeaseGrant]:
    """Run the acquire or renew statement over ``registrations`` (none: no round trip)."""
    regs = sorted(set(registrations))
    if not regs:
        return []
    rows = store.write(
        statement,
        {"registrations": regs, "daemonId": daemon_id, "leaseMillis": int(lease_seconds * 1000)},
        timeout=timeout,
        retry_seconds=retry_seconds,
    )
    return _grants(rows)


def release_leases(
    store: Store,
    registrations: Iterable[str],
    *,
    daemon_id: str,
    timeout: float = LEASE_STATEMENT_TIMEOUT,
    retry_seconds: float | None = None,
) -> list[str]:
    """Give up the leases of ``registrations`` this daemon holds; the registrations released."""
    regs = sorted(set(registrations))
    if not regs:
        return []
    rows = store.write(
        "lease_release",
        {"registrations": regs, "daemonId": daemon_id},
        timeout=timeout,
        retry_seconds=retry_seconds,
    )
    return [row["registration"] for row in rows]


def set_desired_state(
    store: Store,
    registrations: Iterable[str],
    desired_state: str,
    *,
    timeout: float = LEASE_STATEMENT_TIMEOUT,
) -> list[dict[str, Any]]:
    """Record ``desired_state`` (one of :data:`DESIRED_STATES`) with each lease of
    ``registrations``; per lease its registration, holder, epoch and desiredState."""
    if desired_state not in DESIRED_STATES:
        raise ValueError(f"desired state must be one of {', '.join(DESIRED_STATES)}")
    regs = sorted(set(registrations))
    if not regs:
        return []
    return store.write(
        "lease_set_desired_state",
        {"registrations": regs, "desiredState": desired_state},
        timeout=timeout,
    )


def check_lease_tx(store: Store, tx: ManagedTransaction, fence: LeaseFence) -> None:
    """Lock ``fence``'s lease inside ``tx`` and raise :class:`LeaseLostError` unless its
    daemon still holds it at its epoch, unexpired (the lock lasts until ``tx`` ends)."""
    rows = store.run(
        tx,
        "lease_check",
        {"registration": fence.registration, "daemonId": fence.daemon_id, "epoch": fence.epoch},
    )
    if rows and rows[0]["held"]:
        return
    holder = rows[0]["holder"] if rows else None
    epoch = rows[0]["epoch"] if rows else None
    error = LeaseLostError(
        f"connector registration {fence.registration}: the lease is no longer held by daemon "
        f"{fence.daemon_id} at epoch {fence.epoch} (holder {holder or 'none'}, epoch {epoch}); "
        "write refused",
        registration=fence.registration,
        holder=holder,
        epoch=epoch,
    )
    if fence.on_lost is not None:
        fence.on_lost(error)
    raise error


def fenced_write(
    store: Store, fence: LeaseFence | None, name: str, params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Run the write statement ``name`` with ``params``; with a ``fence``, in one transaction
    after :func:`check_lease_tx` (nothing is written when the lease is lost)."""
    if fence is None:
        return store.write(name, params)
    checked = fence

    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        check_lease_tx(store, tx, checked)
        return store.run(tx, name, params)

    return store.write_tx(f"fenced:{name}", work, timeout=checked.timeout)
