"""How often a sign-in may fail: per account and per client address, in a sliding window.

After :data:`MAX_FAILURES_PER_ACCOUNT` failed passwords for one account, or
:data:`MAX_FAILURES_PER_ADDRESS` from one address, within :data:`WINDOW`, further attempts are
refused with :class:`~spinecoach.errors.TooManyAttemptsError` (HTTP 429) until the oldest
failure leaves the window; a right password is not even checked meanwhile.  A success clears
the account's failures.  The counts live in the server process (a restart clears them).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from spinecoach.errors import TooManyAttemptsError

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)
MAX_TRACKED_KEYS = 10_000  # a flood of made-up names cannot grow the table without bound


class SignInLimiter:
    """Failed sign-ins counted per account name and per address."""

    def __init__(self, clock: Callable[[], datetime], *,
                 per_account: int = MAX_FAILURES_PER_ACCOUNT,
                 per_address: int = MAX_FAILURES_PER_ADDRESS, window: timedelta = WINDOW) -> None:
        self._clock = clock
        self._limits = {"account": per_account, "address": per_address}
        self._window = window
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def check(self, account: str, address: str) -> None:
        """Raise ``TooManyAttemptsError`` when either count is at its limit."""
        now = self._clock()
        with self._lock:
            waits = [self._wait_s(key, now) for key in self._keys(account, address)]
        wait_s = max(waits)
        if wait_s > 0:
            minutes = max(1, math.ceil(wait_s / 60))
            raise TooManyAttemptsError(
                f"Too many sign-in attempts. Please wait {minutes} minute"
                f"{'s' if minutes != 1 else ''} and try again.", retry_after_s=wait_s)

    def failed(self, account: str, address: str) -> None:
        """Count one failed sign-in."""
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_TRACKED_KEYS:
                self._forget_old(now)
            for key in self._keys(account, address):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, account: str) -> None:
        """Forget the account's failures."""
        with self._lock:
            self._failures.pop(("account", account.strip().lower()), None)

    @staticmethod
    def _keys(account: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("account", account.strip().lower()[:200]), ("address", address)

    def _wait_s(self, key: tuple[str, str], now: datetime) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and times[0] <= now - self._window:
            times.popleft()
        if len(times) < self._limits[key[0]]:
            return 0
        return max(1, math.ceil((times[0] + self._window - now).total_seconds()))

    def _forget_old(self, now: datetime) -> None:
        for key in list(self._failures):
            if self._wait_s(key, now) == 0 and not self._failures[key]:
                del self._failures[key]
        if len(self._failures) >= MAX_TRACKED_KEYS:
            self._failures.clear()
