"""Decode a frame source one step ahead in a background thread (:class:`Prefetched`).

On a 2-core machine this overlaps video decoding with pose inference in the one-process path.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

from spinecoach.session.ports import Frame, FrameSource

__all__ = ["Prefetched"]


class Prefetched:
    """Wrap a ``FrameSource`` so frames are decoded one step ahead in a background thread.

    On a 2-core machine this overlaps video decoding with pose inference.  Errors raised by
    the decoder are re-raised in the consumer; a consumer that stops early stops the thread.
    :attr:`decode_s` sums the time spent decoding.
    """

    def __init__(self, source: FrameSource, depth: int = 4) -> None:
        """Wrap ``source``; at most ``depth`` decoded frames wait in memory."""
        self._source = source
        self._depth = depth
        self.fps, self.frame_count = source.fps, source.frame_count
        self.width, self.height = source.width, source.height
        self.decode_s = 0.0

    def __iter__(self) -> Iterator[Frame]:
        """Yield the source's frames, decoded ahead."""
        items: queue.Queue[object] = queue.Queue(maxsize=self._depth)
        stop = threading.Event()
        done = object()
        worker = threading.Thread(target=self._produce, args=(items, stop, done),
                                  name="decode", daemon=True)
        worker.start()
        try:
            while (item := items.get()) is not done:
                if isinstance(item, Exception):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            stop.set()
            worker.join(timeout=5)

    def _produce(self, items: queue.Queue[object], stop: threading.Event, done: object) -> None:
        try:
            frames = iter(self._source)
            while True:
                start = time.perf_counter()
                frame = next(frames, done)
                self.decode_s += time.perf_counter() - start
                if not _put(items, frame, stop) or frame is done:
                    return
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
            _put(items, exc, stop)

    def close(self) -> None:
        """Close the wrapped source."""
        self._source.close()


def _put(items: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Put ``item`` unless ``stop`` is set first; True if it was put."""
    while not stop.is_set():
        try:
            items.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
