"""An in-process fan-out of live sets: what a phone's ``/ws/coach`` answers, a laptop watches.

When the phone is the camera, the laptop can be the big screen: ``/ws/watch`` subscribes to
the live sets **of the signed-in account** (nothing else can be named, so no other account's
set can be watched).  :class:`LiveFanout` keeps, per account, the subscribers' queues and the
latest ``ready`` and ``state`` of each open live connection, so a watcher that joins in the
middle of a set sees its counts at once.

Each subscriber has a small queue; a watcher too slow to keep up loses its oldest messages,
never the newest (each ``state`` carries the whole count, so the present is never lost), and
the phone is never slowed down by a watcher.  Everything runs on the server's event loop.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Message = dict[str, Any]
QUEUE_SIZE = 64
_HIDDEN = ("landmarks",)  # the big screen has no video to draw the skeleton on


@dataclass
class Subscription:
    """One watcher's mailbox."""

    queue: asyncio.Queue[Message] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: int = 0

    def offer(self, message: Message) -> None:
        """Queue ``message``; when full, the oldest waiting message makes room."""
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(message)

    async def get(self) -> Message:
        """The next message (waits for one)."""
        return await self.queue.get()


@dataclass
class _Live:
    """What a watcher joining now needs of one open live connection."""

    ready: Message
    state: Message | None = None


class LiveFanout:
    """Live set messages, published per account and delivered to that account's watchers."""

    def __init__(self) -> None:
        self._subscribers: dict[int, list[Subscription]] = {}
        self._live: dict[int, dict[int, _Live]] = {}
        self._ids = itertools.count(1)

    def open(self, user_id: int, ready: Message) -> int:
        """A live connection of ``user_id`` started (its ``ready``); returns its ``live_id``."""
        live_id = next(self._ids)
        message = {**ready, "live_id": live_id}
        self._live.setdefault(user_id, {})[live_id] = _Live(ready=message)
        self._deliver(user_id, message)
        return live_id

    def publish(self, user_id: int, live_id: int, message: Message) -> None:
        """Deliver one message of a live connection to the account's watchers."""
        out = {k: v for k, v in message.items() if k not in _HIDDEN}
        out["live_id"] = live_id
        live = self._live.get(user_id, {}).get(live_id)
        if live is not None and out.get("type") == "state":
            live.state = out
        self._deliver(user_id, out)

    def close(self, user_id: int, live_id: int) -> None:
        """The live connection ended (after its summary, if any)."""
        connections = self._live.get(user_id, {})
        connections.pop(live_id, None)
        if not connections:
            self._live.pop(user_id, None)
        self._deliver(user_id, {"type": "closed", "live_id": live_id})

    def notify(self, user_id: int, message: Message) -> None:
        """Tell the account's watchers something that is not a live set (a phone paired)."""
        self._deliver(user_id, message)

    def watchers(self, user_id: int) -> int:
        """How many watchers ``user_id`` has now."""
        return len(self._subscribers.get(user_id, ()))

    @contextmanager
    def subscribe(self, user_id: int) -> Iterator[Subscription]:
        """Watch ``user_id``'s live sets; the open ones' latest messages come first."""
        subscription = Subscription()
        for live in self._live.get(user_id, {}).values():
            subscription.offer(live.ready)
            if live.state is not None:
                subscription.offer(live.state)
        self._subscribers.setdefault(user_id, []).append(subscription)
        try:
            yield subscription
        finally:
            remaining = [s for s in self._subscribers.get(user_id, []) if s is not subscription]
            if remaining:
                self._subscribers[user_id] = remaining
            else:
                self._subscribers.pop(user_id, None)

    def _deliver(self, user_id: int, message: Message) -> None:
        for subscription in self._subscribers.get(user_id, ()):
            subscription.offer(message)
