"""How often a sign-in may fail: per account and per client address, in a sliding window.

After :data:`MAX_FAILURES_PER_ACCOUNT` failed passwords for one account, or
:data:`MAX_FAILURES_PER_ADDRESS` from one address, within :data:`WINDOW`, further attempts are
refused with :class:`~spinecoach.errors.TooManyAttemptsError` (HTTP 429) until the oldest
failure leaves the window; a right password is not even checked meanwhile.  A success clears
the account's failures.  The counts live in the server process (a restart clears them).

Every attempt is counted as a failure *before* its password is checked (:meth:`begin`, under
one lock), and given back only when it succeeds: checking first and counting after the slow
password hash let 60 guesses sent at once all be checked (59 wrong, one right) instead of 5.
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

    def begin(self, account: str, address: str) -> datetime:
        """Count one attempt as failed before its password is checked, and return when it
        began (the handle :meth:`succeeded` takes); raise ``TooManyAttemptsError`` instead
        when either count is already at its limit."""
        now = self._clock()
        keys = self._keys(account, address)
        with self._lock:
            wait_s = max(self._wait_s(key, now) for key in keys)
            if wait_s <= 0:
                if len(self._failures) >= MAX_TRACKED_KEYS:
                    self._forget_old(now)
                for key in keys:
                    self._failures.setdefault(key, deque()).append(now)
        if wait_s > 0:
            minutes = max(1, math.ceil(wait_s / 60))
            raise TooManyAttemptsError(
                f"Too many sign-in attempts. Please wait {minutes} minute"
                f"{'s' if minutes != 1 else ''} and try again.", retry_after_s=wait_s)
        return now

    def succeeded(self, account: str, address: str, began: datetime) -> None:
        """The attempt that began at ``began`` was right: forget the account's failures and
        give the address back the one this attempt was counted as."""
        account_key, address_key = self._keys(account, address)
        with self._lock:
            self._failures.pop(account_key, None)
            times = self._failures.get(address_key)
            if times is not None and began in times:
                times.remove(began)

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
