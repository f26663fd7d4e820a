"""One daemon process's side of connector leases: who it is, what it holds, when to stop.

A :class:`LeaseKeeper` gives the process a new id (a ``(:Daemon)`` node, heartbeat by
:meth:`LeaseKeeper.heartbeat`), acquires, renews and releases connector leases through
:mod:`engine.graph.writer.leases`, and keeps, per lease held, a *local deadline* on its own
monotonic clock: the time the statement that last extended it was sent, plus the lease
duration, less a safety margin. The server set the expiry at or after that send time, so
once the local deadline has passed the lease may be about to expire elsewhere:
:meth:`LeaseKeeper.self_fence` drops such leases, and the caller stops their connectors
(self-fencing). Whatever is lost (renew found another holder, a fenced write was refused,
the deadline passed) stays listed, with why and when, in :meth:`LeaseKeeper.lost_leases`
until the lease is acquired again (status); what renewal or a fenced write lost is also
collected for :meth:`LeaseKeeper.take_lost` (the caller of ``self_fence`` stops its own).

Reading who runs what (:func:`live_daemons`, :func:`lease_states`, :func:`free_registrations`)
needs no lock: those are hints for status and assignment; acquiring checks again.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.errors import LeaseLostError, StoreError
from engine.graph.store import Store
from engine.graph.writer import (
    LeaseFence,
    LeaseGrant,
    acquire_leases,
    heartbeat_daemon,
    release_leases,
    remove_daemon,
    renew_leases,
)

log = logging.getLogger("switchboard.daemon.leases")


ACQUIRE_BATCH = 100
"""Most leases one acquire statement takes."""


@dataclass(frozen=True)
class LeaseSettings:
    """How long a lease lasts and how often it is renewed (seconds)."""

    lease_seconds: float = 10.0
    renew_seconds: float = 3.0
    statement_timeout: float = 2.0
    """Transaction timeout of each lease statement: a stopped process holds no lock longer."""
    safety_margin: float = 1.0
    """Seconds before the lease's earliest possible expiry that its connectors are stopped."""

    def __post_init__(self) -> None:
        if not 0 < self.renew_seconds < self.lease_seconds:
            raise ValueError("the renew interval must be positive and shorter than the lease")
        if not 0 <= self.safety_margin < self.lease_seconds - self.renew_seconds:
            raise ValueError("the safety margin must leave room for at least one renewal")

    @property
    def live_seconds(self) -> float:
        """A daemon whose heartbeat is older than this is not live."""
        return self.lease_seconds


@dataclass(frozen=True)
class DaemonInfo:
    """A live daemon as the graph shows it."""

    id: str
    name: str
    api_url: str | None
    started_at: str
    heartbeat_at: str
    groups: tuple[str, ...]
    all_groups: bool
    held: int
    """Unexpired connector leases it holds."""


@dataclass(frozen=True)
class LeaseState:
    """One connector lease as it is now (for status)."""

    registration: str
    holder: str | None
    epoch: int
    expires_at: str | None
    expired: bool
    desired_state: str | None
    holder_name: str | None
    holder_api_url: str | None


LOST_TO_ANOTHER = "renewal found another daemon holding the lease"
LOST_DEADLINE = "not renewed in time (self-fenced before the lease could pass on)"
LOST_FENCED = "a write was refused: the lease had passed on"


@dataclass(frozen=True)
class LostLease:
    """A lease this process held and lost (not given up), for status."""

    registration: str
    epoch: int
    """The epoch it held the lease under."""
    reason: str
    """One of :data:`LOST_TO_ANOTHER`, :data:`LOST_DEADLINE`, :data:`LOST_FENCED`."""
    lost_at: datetime
    """Wall-clock time this process noticed (UTC)."""


@dataclass
class HeldLease:
    """A lease this process holds, with its local deadline (monotonic seconds)."""

    grant: LeaseGrant
    deadline: float


@dataclass
class LeaseKeeper:
    """This daemon process's identity and the connector leases it holds."""

    store: Store
    name: str
    api_url: str | None = None
    groups: Sequence[str] = ()
    all_groups: bool = False
    settings: LeaseSettings = field(default_factory=LeaseSettings)
    monotonic: Callable[[], float] = time.monotonic
    daemon_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    held: dict[str, HeldLease] = field(default_factory=dict)
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _lost: set[str] = field(default_factory=set)
    _lost_leases: dict[str, LostLease] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------ the daemon
    def heartbeat(self) -> str:
        """Register this process or renew its heartbeat; the server's time of it."""
        return heartbeat_daemon(
            self.store,
            daemon_id=self.daemon_id,
            name=self.name,
            api_url=self.api_url,
            groups=self.groups,
            all_groups=self.all_groups,
            timeout=self.settings.statement_timeout,
            retry_seconds=self.settings.statement_timeout,
        )

    def _deadline(self, sent: float) -> float:
        return sent + self.settings.lease_seconds - self.settings.safety_margin

    # ------------------------------------------------------------ the leases
    def acquire(self, registrations: Iterable[str]) -> list[LeaseGrant]:
        """Take those of ``registrations`` that are free or expired; the leases taken.

        At most :data:`ACQUIRE_BATCH` per statement, so each statement stays well inside
        the short transaction timeout even on a server that has just started."""
        regs = sorted(set(registrations))
        taken: list[LeaseGrant] = []
        for start in range(0, len(regs), ACQUIRE_BATCH):
            sent = self.monotonic()
            grants = acquire_leases(
                self.store,
                regs[start : start + ACQUIRE_BATCH],
                daemon_id=self.daemon_id,
                lease_seconds=self.settings.lease_seconds,
                timeout=self.settings.statement_timeout,
                retry_seconds=self.settings.statement_timeout,
            )
            with self._lock:
                for grant in grants:
                    self.held[grant.registration] = HeldLease(grant, self._deadline(sent))
                    self._lost.discard(grant.registration)
                    self._lost_leases.pop(grant.registration, None)
            taken.extend(grants)
        return taken

    def renew(self) -> list[str]:
        """Extend every lease held, in one statement; the registrations found lost (another
        daemon holds them). Raises :class:`StoreError` when Neo4j does not answer (the
        deadlines then stay as they were)."""
        with self._lock:
            registrations = list(self.held)
        if not registrations:
            return []
        sent = self.monotonic()
        grants = renew_leases(
            self.store,
            registrations,
            daemon_id=self.daemon_id,
            lease_seconds=self.settings.lease_seconds,
            timeout=self.settings.statement_timeout,
            retry_seconds=self.settings.statement_timeout,
        )
        renewed = {grant.registration: grant for grant in grants}
        lost = []
        with self._lock:
            for registration in registrations:
                held = self.held.get(registration)
                if held is None:
                    continue  # released meanwhile
                grant = renewed.get(registration)
                if grant is not None and grant.epoch == held.grant.epoch:
                    self.held[registration] = HeldLease(grant, self._deadline(sent))
                else:
                    self._drop(registration, LOST_TO_ANOTHER)
                    lost.append(registration)
        return lost

    def release(self, registrations: Iterable[str]) -> list[str]:
        """Give up leases (stop their connectors first); the registrations released."""
        regs = list(registrations)
        with self._lock:
            for registration in regs:
                self.held.pop(registration, None)
        return release_leases(
            self.store,
            regs,
            daemon_id=self.daemon_id,
            timeout=self.settings.statement_timeout,
            retry_seconds=self.settings.statement_timeout,
        )

    def self_fence(self) -> list[str]:
        """Drop every lease whose local deadline has passed; the registrations dropped
        (the caller stops their connectors now: the lease may pass to another daemon soon;
        they are listed by :meth:`lost_leases`, not returned again by :meth:`take_lost`)."""
        now = self.monotonic()
        with self._lock:
            due = [reg for reg, held in self.held.items() if now >= held.deadline]
            for registration in due:
                self._drop(registration, LOST_DEADLINE, collect=False)
        return due

    def holds(self, registration: str) -> LeaseGrant | None:
        """The grant this process holds for ``registration``, if any."""
        with self._lock:
            held = self.held.get(registration)
            return held.grant if held else None

    def held_registrations(self) -> set[str]:
        with self._lock:
            return set(self.held)

    def fence(self, registration: str) -> LeaseFence:
        """What the connector of ``registration`` must prove in each of its writes."""
        grant = self.holds(registration)
        if grant is None:
            raise LeaseLostError(
                f"connector registration {registration}: this daemon holds no lease for it",
                registration=registration,
                holder=None,
                epoch=None,
            )
        return LeaseFence(
            registration,
            self.daemon_id,
            grant.epoch,
            timeout=self.settings.lease_seconds / 2,
            on_lost=self._fenced_out,
        )

    def _fenced_out(self, error: LeaseLostError) -> None:
        with self._lock:
            self._drop(error.registration, LOST_FENCED)

    def _drop(self, registration: str, reason: str, *, collect: bool = True) -> None:
        """Forget a lease as lost (the caller holds ``_lock``); ``collect``: also for
        :meth:`take_lost` (the caller does not stop its connector itself)."""
        held = self.held.pop(registration, None)
        if held is not None:
            if collect:
                self._lost.add(registration)
            self._lost_leases[registration] = LostLease(
                registration, held.grant.epoch, reason, self.wall_clock()
            )

    def lost_leases(self) -> list[LostLease]:
        """Every lease lost and not acquired again since, oldest first."""
        with self._lock:
            return sorted(self._lost_leases.values(), key=lambda lost: lost.lost_at)

    def forget_lost(self, keep: Collection[str]) -> None:
        """List as lost only those of ``keep`` (the others left this daemon's groups)."""
        with self._lock:
            for registration in set(self._lost_leases) - set(keep):
                del self._lost_leases[registration]

    def take_lost(self) -> set[str]:
        """The registrations lost since the last call by renewal or a fenced write."""
        with self._lock:
            lost, self._lost = self._lost, set()
        return lost

    def shutdown(self) -> None:
        """Release every lease held and remove this daemon's node (best effort)."""
        try:
            self.release(self.held_registrations())
            remove_daemon(
                self.store,
                self.daemon_id,
                timeout=self.settings.statement_timeout,
                retry_seconds=self.settings.statement_timeout,
            )
        except StoreError as exc:
            log.warning("leases not released at shutdown (they expire by themselves): %s", exc)


# ------------------------------------------------------------------ reading
def live_daemons(store: Store, *, live_seconds: float) -> list[DaemonInfo]:
    """Daemons whose heartbeat is younger than ``live_seconds``, with their lease counts."""
    rows = store.read("lease_daemons", {"liveMillis": int(live_seconds * 1000)})
    return [
        DaemonInfo(
            id=row["id"],
            name=row["name"],
            api_url=row["apiUrl"],
            started_at=row["startedAt"],
            heartbeat_at=row["heartbeatAt"],
            groups=tuple(row["groups"] or ()),
            all_groups=bool(row["allGroups"]),
            held=int(row["held"]),
        )
        for row in rows
    ]


def lease_states(store: Store, registrations: Iterable[str]) -> dict[str, LeaseState]:
    """The lease of each of ``registrations`` that has one, by registration."""
    rows: list[dict[str, Any]] = store.read(
        "lease_states", {"registrations": sorted(set(registrations))}
    )
    return {
        row["registration"]: LeaseState(
            registration=row["registration"],
            holder=row["holder"],
            epoch=int(row["epoch"] or 0),
            expires_at=row["expiresAt"],
            expired=bool(row["expired"]),
            desired_state=row["desiredState"],
            holder_name=row["holderName"],
            holder_api_url=row["holderApiUrl"],
        )
        for row in rows
    }


def free_registrations(
    store: Store, registrations: Iterable[str], *, daemon_id: str | None = None
) -> list[str]:
    """Those of ``registrations`` whose lease nobody holds now, or ``daemon_id`` still holds
    on the server (after it self-fenced); a hint, read without locks."""
    rows = store.read(
        "lease_free", {"registrations": sorted(set(registrations)), "daemonId": daemon_id}
    )
    return [row["registration"] for row in rows]
