"""Which connectors this daemon runs when several daemons share the same groups.

Each daemon runs a :class:`LeaseCoordinator` beside its herder. Every ``renewSeconds`` one
*round* heartbeats the daemon, renews every lease it holds in one statement, drops the
connectors whose lease was found lost, then evens out the work (:func:`fair_share`):

* with ``N`` connectors of the shared groups and ``k`` live daemons, a daemon claims free
  or expired leases up to ``ceil(N/k)``;
* a daemon above ``floor(N/k)`` releases its surplus only while another live daemon is
  below ``floor(N/k)`` (and while one is, nobody claims beyond ``floor(N/k)``), so a joining
  daemon takes at most ``ceil(N/k)`` connectors and nothing else stops.

A second thread, the *fence watch*, checks the local deadlines of the leases held several
times a second and stops the connectors of any lease that was not renewed in time
(:meth:`~engine.daemon.leases.LeaseKeeper.self_fence`): it never waits on Neo4j, so a
daemon cut off from the server stops acting before its leases can pass on.

What the coordinator decides is carried out by its host through two callbacks: ``stop``
(stop and forget these connectors now) and ``changed`` (the set of leases held changed:
reconcile again). The herder is that host; its ``describe`` names connectors for the log,
where every lost lease is reported (warning) with why, as the status lists it.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from engine.daemon.leases import LeaseKeeper, free_registrations, live_daemons
from engine.errors import StoreError

log = logging.getLogger("switchboard.daemon.leases")

FENCE_WATCH_SECONDS = 0.2
"""How often the fence watch compares the leases' local deadlines with the clock."""


@dataclass(frozen=True)
class Share:
    """What one daemon should do in a round: claim up to ``claim`` more, release ``release``."""

    claim: int
    release: int


def fair_share(total: int, mine: int, others: Sequence[int]) -> Share:
    """The share of a daemon holding ``mine`` of ``total`` connectors while the other live
    daemons hold ``others`` (one count each)."""
    daemons = 1 + len(others)
    floor = total // daemons
    ceiling = -(-total // daemons)
    starving = any(count < floor for count in others)
    target = floor if starving else ceiling
    release = mine - floor if starving and mine > floor else 0
    return Share(claim=max(0, target - mine), release=release)


@dataclass
class RoundResult:
    """What one round did (registrations)."""

    lost: list[str] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    ok: bool = True
    """False when Neo4j did not answer (nothing was decided)."""


class LeaseCoordinator:
    """Keeps this daemon's share of the connectors of its groups, under leases."""

    def __init__(
        self,
        keeper: LeaseKeeper,
        *,
        stop: Callable[[Collection[str]], None],
        changed: Callable[[], None],
        describe: Callable[[Collection[str]], str] = lambda regs: ", ".join(sorted(regs)),
    ) -> None:
        self.keeper = keeper
        self.stop = stop
        self.changed = changed
        self.describe = describe
        self.eligible: frozenset[str] = frozenset()
        """The registrations of the configured groups, as the herder last loaded them."""
        self.last_error: str | None = None
        """Why the last round failed (Neo4j did not answer), None after one that worked."""
        self._round_lock = threading.Lock()
        self._halt = threading.Event()
        self._threads: list[threading.Thread] = []

    def set_eligible(self, registrations: Iterable[str]) -> None:
        self.eligible = frozenset(registrations)

    # ---------------------------------------------------------------- rounds
    def run_round(self) -> RoundResult:
        """Heartbeat, renew, drop what was lost, claim or release toward a fair share."""
        with self._round_lock:
            try:
                result = self._round()
            except StoreError as exc:
                log.warning("lease round failed (leases are renewed again shortly): %s", exc)
                self.last_error = exc.message
                return RoundResult(ok=False)
            self.last_error = None
            return result

    def _round(self) -> RoundResult:
        keeper = self.keeper
        result = RoundResult()
        keeper.heartbeat()
        keeper.renew()
        result.lost = sorted(keeper.take_lost())
        if result.lost:
            self._report_lost(result.lost)
            self.stop(result.lost)
        held = keeper.held_registrations()
        gone = sorted(held - self.eligible)  # removed from the groups
        if gone:
            self.stop(gone)
            keeper.release(gone)
        keeper.forget_lost(self.eligible)
        mine = sorted(held & self.eligible)
        me = keeper.daemon_id
        others = [
            d.held
            for d in live_daemons(keeper.store, live_seconds=keeper.settings.live_seconds)
            if d.id != me and self._shares_groups(d.groups, d.all_groups)
        ]
        share = fair_share(len(self.eligible), len(mine), others)
        if share.release:
            surplus = mine[-share.release :]
            self.stop(surplus)
            result.released = keeper.release(surplus)
        if share.claim:
            free = free_registrations(
                keeper.store, self.eligible - set(mine), daemon_id=keeper.daemon_id
            )
            random.shuffle(free)  # daemons claiming at once rarely want the same leases
            grants = keeper.acquire(free[: share.claim])
            result.claimed = sorted(g.registration for g in grants)
        self.changed()  # also follows desiredState changes the renewal brought
        return result

    def _shares_groups(self, groups: Sequence[str], all_groups: bool) -> bool:
        mine = set(self.keeper.groups)
        return all_groups or self.keeper.all_groups or bool(mine & set(groups))

    # ------------------------------------------------------------- fencing
    def fence_check(self) -> list[str]:
        """Stop the connectors whose lease was not renewed in time; the registrations."""
        due = self.keeper.self_fence()
        if due:
            self._report_lost(due)
            self.stop(due)
            self.changed()
        return due

    def _report_lost(self, registrations: Collection[str]) -> None:
        """Log the leases just lost, by reason, naming their connectors (stopped next)."""
        lost = [held for held in self.keeper.lost_leases() if held.registration in registrations]
        reasons: dict[str, list[str]] = {}
        for held in lost:
            reasons.setdefault(held.reason, []).append(held.registration)
        for reason, regs in reasons.items():
            log.warning(
                "lost the lease of %d connector(s) (%s), stopping them (nothing more is "
                "written under it): %s",
                len(regs),
                reason,
                self.describe(regs),
            )

    # ------------------------------------------------------------- threads
    def start(self) -> None:
        """Run rounds every renew interval and the fence watch, each on a thread of its own."""
        self._halt.clear()
        self._threads = [
            threading.Thread(target=self._rounds, name="lease-rounds", daemon=True),
            threading.Thread(target=self._fence_watch, name="lease-fence", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _rounds(self) -> None:
        while not self._halt.wait(self.keeper.settings.renew_seconds):
            try:
                self.run_round()
            except Exception:
                log.exception("lease round failed")

    def _fence_watch(self) -> None:
        while not self._halt.wait(FENCE_WATCH_SECONDS):
            try:
                self.fence_check()
            except Exception:
                log.exception("lease fence check failed")

    def shutdown(self) -> None:
        """Stop the threads, release every lease held and remove this daemon's node (the
        caller has stopped the connectors)."""
        self._halt.set()
        for thread in self._threads:
            thread.join(self.keeper.settings.statement_timeout + 1)
        with self._round_lock:
            self.keeper.shutdown()
