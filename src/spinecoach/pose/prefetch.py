"""Decode frames one step ahead in a background thread, to overlap decoding with inference.

On a 2-core machine this keeps the pose model busy while PyAV decodes the next frames.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from spinecoach.session.ports import Frame, FrameSource


class Prefetched:
    """Wrap a ``FrameSource`` so frames are decoded one step ahead in a background thread.

    On a 2-core machine this overlaps video decoding with pose inference.  Errors raised by
    the decoder are re-raised in the consumer; a consumer that stops early stops the thread.
    """

    def __init__(self, source: FrameSource, depth: int = 4) -> None:
        """Wrap ``source``; at most ``depth`` decoded frames wait in memory."""
        self._source = source
        self._depth = depth
        self.fps, self.frame_count = source.fps, source.frame_count
        self.width, self.height = source.width, source.height

    def __iter__(self) -> Iterator[Frame]:
        """Yield the source's frames, decoded ahead."""
        items: queue.Queue[object] = queue.Queue(maxsize=self._depth)
        stop = threading.Event()
        done = object()

        def produce() -> None:
            try:
                for frame in self._source:
                    while not stop.is_set():
                        try:
                            items.put(frame, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                items.put(done)
            except Exception as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
                items.put(exc)

        worker = threading.Thread(target=produce, name="decode", daemon=True)
        worker.start()
        try:
            while (item := items.get()) is not done:
                if isinstance(item, Exception):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            stop.set()
            worker.join(timeout=5)

    def close(self) -> None:
        """Close the wrapped source."""
        self._source.close()
