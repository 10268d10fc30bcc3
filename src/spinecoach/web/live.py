"""The live-coaching loop behind ``/ws/coach``.

Two tasks share one connection:

* the **receiver** reads client messages and puts each frame into a :class:`LatestSlot`, which
  holds only the newest frame not yet processed: a frame that arrives while another waits
  replaces it (the stale one is dropped and counted), so no queue builds up and latency stays
  bounded however fast the client sends;
* the **worker** takes the newest frame, runs JPEG decoding, pose inference and the tracker in a
  dedicated thread (off the event loop, one thread per connection so the pose model keeps its
  video-mode state), records completed reps/holds/stops at once (a :class:`SetRecorder`),
  and answers with a ``state`` message.

Timing comes from the client's ``t_s`` only.  A stop rule ends the set: the worker stops, the set
is closed and a ``summary`` is sent.  A closed socket closes the set too; what was recorded
before stays recorded.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import InputError, SpinecoachError
from spinecoach.session.countdown import CountdownGate
from spinecoach.session.ports import Image, PoseEstimator
from spinecoach.tracking.state import FrameState, HoldEvent, RepEvent, StopEvent
from spinecoach.web.live_protocol import (
    MAX_JPEG_BYTES,
    MAX_LIVE_SOCKETS,
    MAX_SOCKETS_PER_ACCOUNT,
    EndMessage,
    FrameHeader,
    ProtocolError,
    error_message,
    parse_client_text,
    state_message,
)

_log = logging.getLogger(__name__)


GONE = (WebSocketDisconnect, RuntimeError, OSError)
"""What Starlette and uvicorn raise on a socket the client has closed (a reload, a closed
tab): ``WebSocketDisconnect``, ``WebSocketDisconnected`` (a ``RuntimeError``: "Cannot call
receive once a disconnect message has been received") or the transport's ``OSError``."""


def log_dropped(websocket: WebSocket) -> None:
    """One calm line for a client that closed its connection without saying goodbye."""
    client = websocket.client
    who = f"{client.host}:{client.port}" if client else "a client"
    _log.info("live coaching: %s went away; the set keeps what was already counted", who)


class SocketLimit:
    """Counts the live sockets of each account and of the whole server, and refuses one over
    either cap.  Per account, not per address: every account on this computer connects from
    127.0.0.1, and one person's open tabs must not lock another person out."""

    def __init__(self, per_account: int = MAX_SOCKETS_PER_ACCOUNT,
                 total: int = MAX_LIVE_SOCKETS) -> None:
        self.per_account = per_account
        self.total = total
        self._open: dict[int, int] = {}

    def acquire(self, account_id: int) -> str | None:
        """Count a new socket of ``account_id``; None when counted, else which cap it hit
        (``"account"`` or ``"server"``) and nothing is counted."""
        if self._open.get(account_id, 0) >= self.per_account:
            return "account"
        if sum(self._open.values()) >= self.total:
            return "server"
        self._open[account_id] = self._open.get(account_id, 0) + 1
        return None

    def release(self, account_id: int) -> None:
        """Forget one socket of ``account_id``."""
        left = self._open.get(account_id, 0) - 1
        if left > 0:
            self._open[account_id] = left
        else:
            self._open.pop(account_id, None)


class Tracker(Protocol):
    """A per-set exercise tracker (``spinecoach.tracking.engine.create_tracker``)."""

    def update(self, frame: PoseFrame) -> FrameState:
        """Advance by one frame and return the state."""


class SetRecorder(Protocol):
    """Where a live set's events are stored as they happen (the signed-in patient's record)."""

    def record_rep(self, set_id: int, rep: RepEvent) -> None:
        """Store one completed repetition."""

    def record_hold(self, set_id: int, hold: HoldEvent) -> None:
        """Store one good-form hold interval."""

    def record_stop(self, set_id: int, stop: StopEvent) -> None:
        """Store the stop rule that ended the set."""


TrackerFactory = Callable[[str, float | None], Tracker]
EstimatorFactory = Callable[[str], PoseEstimator]  # exercise id -> a pose model for it
JpegDecoder = Callable[[bytes], Image]


@dataclass(frozen=True)
class Pending:
    """A frame waiting to be processed: a JPEG, or a client-side pose."""

    t_s: float
    jpeg: bytes | None = None
    pose: PoseFrame | None = None


class LatestSlot:
    """A one-place mailbox that keeps only the newest frame."""

    def __init__(self) -> None:
        self._item: Pending | None = None
        self._closed = False
        self._event = asyncio.Event()
        self.dropped = 0

    def put(self, item: Pending) -> None:
        """Offer a frame; a frame still waiting is dropped."""
        if self._item is not None:
            self.dropped += 1
        self._item = item
        self._event.set()

    def close(self) -> None:
        """Wake the worker and make :meth:`take` return None once empty."""
        self._closed = True
        self._item = None
        self._event.set()

    async def take(self) -> Pending | None:
        """Wait for the newest frame; None when closed."""
        while self._item is None and not self._closed:
            self._event.clear()
            await self._event.wait()
        item, self._item = self._item, None
        return None if self._closed else item


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None elsewhere: macOS, musl, Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_TRIM = _malloc_trim()


def return_freed_memory() -> None:
    """Hand the heap a closed pose model freed back to the system.

    A BlazePose graph takes ~190 MiB; once closed, glibc keeps most of it mapped for reuse, so
    a server's resident memory only grew with each set.  ``malloc_trim`` returns the free
    pages at once (a no-op where it does not exist).
    """
    if _TRIM is not None:
        _TRIM(0)


@dataclass
class FramePipeline:
    """Decode, estimate, track and record one frame; runs in the connection's worker thread."""

    exercise_id: str
    tracker: Tracker
    estimator_factory: EstimatorFactory
    decode_jpeg: JpegDecoder
    recorder: SetRecorder
    set_id: int | None
    gate: CountdownGate = field(default_factory=CountdownGate)
    _estimator: PoseEstimator | None = field(default=None, init=False)

    def process(self, item: Pending) -> tuple[FrameState, PoseFrame]:
        """Return the tracker state and the pose of one frame (raises ``InputError``)."""
        pose = item.pose
        if pose is None:
            assert item.jpeg is not None
            image = self.decode_jpeg(item.jpeg)
            if self._estimator is None:
                self._estimator = self.estimator_factory(self.exercise_id)
            pose = self._estimator.estimate(image, item.t_s)
        state = self.gate.apply(self.tracker.update(pose))
        self._record(state)
        return state, pose

    def _record(self, state: FrameState) -> None:
        if self.set_id is None:
            return
        if state.rep is not None:
            self.recorder.record_rep(self.set_id, state.rep)
        if state.hold is not None:
            self.recorder.record_hold(self.set_id, state.hold)
        if state.stop is not None:
            self.recorder.record_stop(self.set_id, state.stop)

    def close(self) -> None:
        """Release the pose model, and give its memory back to the system."""
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
            return_freed_memory()


class LiveCoach:
    """One live-coaching connection."""

    def __init__(self, websocket: WebSocket, pipeline: FramePipeline) -> None:
        self.websocket = websocket
        self.pipeline = pipeline
        self.slot = LatestSlot()
        self.stop: StopEvent | None = None
        self.ended = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach")
        self._last_t_s = float("-inf")
        self.mirror: Callable[[dict[str, Any]], None] | None = None
        """Also given every message sent from now on (the account's watchers, see
        :mod:`spinecoach.web.live_fanout`)."""

    async def send(self, message: dict[str, Any]) -> None:
        """Send JSON unless the socket is already closed (and show it to :attr:`mirror`)."""
        if self.mirror is not None:
            self.mirror(message)
        if self.ended or self.websocket.application_state != WebSocketState.CONNECTED:
            return
        try:
            await self.websocket.send_json(message)
        except GONE:  # the client went away
            self._gone()

    async def run(self) -> None:
        """Serve the connection until the set ends, a stop rule fires or the socket closes."""
        receiver = asyncio.create_task(self._receive_loop())
        worker = asyncio.create_task(self._work_loop())
        try:
            await asyncio.wait({receiver, worker}, return_when=asyncio.FIRST_COMPLETED)
            self.slot.close()
            if not receiver.done():
                receiver.cancel()
            results = await asyncio.gather(worker, receiver, return_exceptions=True)
            await self._report_crash(results)
        finally:
            # Submitted directly and awaited through a shield: when the connection is cancelled
            # (server shutdown), a cancelled await must not cancel the queued close, or the
            # pose model would be left open.
            closing = self._executor.submit(self.pipeline.close)
            self._executor.shutdown(wait=False)
            await asyncio.shield(asyncio.wrap_future(closing))

    def _gone(self) -> None:
        """The client closed the socket: one INFO line (once), no traceback."""
        if not self.ended:
            log_dropped(self.websocket)
        self.ended = True

    async def _report_crash(self, results: tuple[object, ...]) -> None:
        for result in results:
            if isinstance(result, WebSocketDisconnect):
                self._gone()
            elif isinstance(result, Exception):
                _log.error("live coaching failed", exc_info=result)
                await self.send(error_message(
                    "server_error", "Something went wrong while watching. Your completed reps "
                    "are saved; please start the set again."))
                return

    async def _receive_loop(self) -> None:
        header: FrameHeader | None = None
        while True:
            if self.ended:
                return
            try:
                message = await self.websocket.receive()
            except GONE:
                self._gone()
                return
            if message["type"] == "websocket.disconnect":
                self.ended = True
                return
            data = message.get("bytes")
            if data is not None:
                await self._on_binary(header, data)
                header = None
                continue
            try:
                parsed = parse_client_text(message.get("text") or "")
            except ProtocolError as exc:
                await self.send(error_message("bad_message", str(exc)))
                continue
            if isinstance(parsed, EndMessage):
                return
            if isinstance(parsed, FrameHeader):
                header = parsed
            else:
                header = None
                self.slot.put(Pending(t_s=parsed.frame.t_s, pose=parsed.frame))

    async def _on_binary(self, header: FrameHeader | None, data: bytes) -> None:
        if header is None:
            await self.send(error_message(
                "bad_frame", "a binary message must follow a {\"type\": \"frame\"} message"))
        elif len(data) > MAX_JPEG_BYTES:
            await self.send(error_message("bad_frame", "frame too large"))
        else:
            self.slot.put(Pending(t_s=header.t_s, jpeg=data))

    async def _work_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            item = await self.slot.take()
            if item is None:
                return
            if item.t_s <= self._last_t_s:
                self.slot.dropped += 1
                continue
            started = time.perf_counter()
            try:
                state, pose = await loop.run_in_executor(
                    self._executor, self.pipeline.process, item)
            except InputError as exc:
                await self.send(error_message("bad_frame", str(exc)))
                continue
            except SpinecoachError as exc:  # e.g. the pose model is missing: end the set
                await self.send(error_message("unavailable", str(exc)))
                return
            self._last_t_s = item.t_s
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            await self.send(state_message(state, pose, dropped=self.slot.dropped,
                                          process_ms=elapsed_ms,
                                          counting=self.pipeline.gate.counting(state.t_s)))
            if state.stop is not None:
                self.stop = state.stop
                return
