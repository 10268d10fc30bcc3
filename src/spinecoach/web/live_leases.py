"""The lease of the live sets this server is coaching.

A live set stays open while its camera socket is connected.  Every
:data:`~spinecoach.session.tracked_sets.LEASE_RENEW_EVERY` the server renews the lease of the
sets it is coaching (``sets.alive_at``) and closes the sets whose lease has run out: those of a
server that crashed or was killed, its own or another's on the same database.  A second server
started on the same database therefore leaves the first one's sets alone (it used to close
them, and the first server then answered every repetition with ``bad_frame``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from spinecoach.errors import SpinecoachError
from spinecoach.session.records import SetRecord
from spinecoach.session.repository import Repository
from spinecoach.session.tracked_sets import LEASE_RENEW_EVERY, close_abandoned_sets

_log = logging.getLogger(__name__)


class LiveSetLeases:
    """The ids of the live sets this server is coaching, and the task that keeps them."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None

    def hold(self, set_id: int) -> None:
        """This server is coaching ``set_id`` now."""
        with self._lock:
            self._ids.add(set_id)

    def release(self, set_id: int) -> None:
        """``set_id`` is closed (or its socket gone): stop renewing it."""
        with self._lock:
            self._ids.discard(set_id)

    def held(self) -> list[int]:
        """The sets whose lease this server renews."""
        with self._lock:
            return sorted(self._ids)

    def renew_and_sweep(self, repo: Repository, now: datetime) -> list[SetRecord]:
        """Renew this server's sets, then close every set whose lease has run out."""
        repo.renew_sets(self.held(), now)
        return close_abandoned_sets(repo, now=now)

    async def _keep(self, repo: Repository, clock: Callable[[], datetime]) -> None:
        while True:
            await asyncio.sleep(LEASE_RENEW_EVERY.total_seconds())
            try:
                closed = await run_in_threadpool(self.renew_and_sweep, repo, clock())
            except SpinecoachError as exc:  # e.g. the database is busy: try again next time
                _log.warning("could not renew the live sets' lease: %s", exc)
                continue
            if closed:
                _log.info("closed %d live set(s) left open by a server that stopped",
                          len(closed))

    def start(self, repo: Repository, clock: Callable[[], datetime]) -> None:
        """Start renewing (on the server's event loop; called at start-up)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._keep(repo, clock))

    async def stop(self) -> None:
        """Stop renewing (at shutdown)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
