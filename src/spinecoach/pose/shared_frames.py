"""Video frames passed between processes through shared memory instead of pipes.

A 720p RGB frame is 2.7 MB: pickled through a pipe it costs a few milliseconds on each side,
a sizeable share of the ~20 ms BlazePose needs for it.  :class:`FrameSlots` is one block of
shared memory cut into equal slots; the producer copies a frame into a free slot (one
``memcpy``) and sends only the slot's number, the consumer process reads the pixels in place
through :class:`AttachedSlots`, and the slot is handed back once its frame is estimated.
The number of slots bounds the memory a video takes while it is analysed.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from multiprocessing import shared_memory

import numpy as np

from spinecoach.errors import UnreadableVideoError
from spinecoach.session.ports import Image

__all__ = ["AttachedSlots", "FrameSlots", "slots_that_fit"]

_ALIGN = 64
_SHM_DIR = "/dev/shm"


def _slot_bytes(frame_bytes: int) -> int:
    """Round ``frame_bytes`` up to a cache line."""
    return -(-frame_bytes // _ALIGN) * _ALIGN


def _as_array(shm: shared_memory.SharedMemory) -> Image:
    """The whole block as a flat uint8 array (a view)."""
    buffer = shm.buf
    assert buffer is not None
    return np.frombuffer(buffer, dtype=np.uint8)


def slots_that_fit(wanted: int, frame_bytes: int, *, keep_free: float = 0.5) -> int:
    """How many of ``wanted`` slots fit in the shared-memory filesystem.

    On Linux shared memory lives in ``/dev/shm``, which a container may keep small (Docker's
    default is 64 MB); writing past its end kills the process with SIGBUS instead of raising.
    At most ``keep_free`` of the free space is used.  Returns ``wanted`` where the space is
    not known.
    """
    try:
        stats = os.statvfs(_SHM_DIR)
    except OSError:
        return wanted
    free = stats.f_bavail * stats.f_frsize * keep_free
    return max(0, min(wanted, int(free // _slot_bytes(frame_bytes))))


class FrameSlots:
    """``count`` slots of up to ``frame_bytes`` each, in one new block of shared memory.

    Thread-safe: :meth:`put` blocks while every slot is taken; :meth:`release` frees one.

    Parameters
    ----------
    count
        Number of slots (at least 1).
    frame_bytes
        Size of the largest frame a slot must hold (``height * width * 3`` for RGB).

    Raises
    ------
    ValueError
        If ``count`` or ``frame_bytes`` is not positive.
    """

    def __init__(self, count: int, frame_bytes: int) -> None:
        if count < 1 or frame_bytes < 1:
            raise ValueError(f"need positive count and size, got {count} x {frame_bytes} B")
        self.count = count
        self.slot_bytes = _slot_bytes(frame_bytes)
        shm = shared_memory.SharedMemory(create=True, size=count * self.slot_bytes)
        self._shm: shared_memory.SharedMemory | None = shm
        self.name = shm.name
        self._buffer = _as_array(shm)
        self._free: deque[int] = deque(range(count))
        self._cond = threading.Condition()
        self._closed = False

    def put(self, image: Image, stop: threading.Event | None = None) -> int | None:
        """Copy ``image`` into a free slot and return the slot's number.

        Waits for a slot to be released when all are taken.  Returns None if ``stop`` is set
        (or the slots are closed) while waiting.

        Raises
        ------
        UnreadableVideoError
            If ``image`` is larger than a slot (a video whose picture size grows mid-file).
        """
        if image.nbytes > self.slot_bytes:
            raise UnreadableVideoError(
                f"the picture size changes mid-file (a {image.shape[1]}x{image.shape[0]} frame "
                "after smaller ones); such videos are not supported"
            )
        with self._cond:
            while not self._free:
                if self._closed or (stop is not None and stop.is_set()):
                    return None
                self._cond.wait(timeout=0.1)
            if self._closed:
                return None
            # The slot released last: its pages are already mapped here and in the workers
            # (a slot used for the first time costs a page fault per 4 KB on both sides).
            index = self._free.pop()
        start = index * self.slot_bytes
        target = self._buffer[start : start + image.nbytes].reshape(image.shape)
        np.copyto(target, image)
        return index

    def release(self, index: int) -> None:
        """Hand slot ``index`` back (its frame has been used)."""
        with self._cond:
            if not self._closed:
                self._free.append(index)
                self._cond.notify()

    def close(self) -> None:
        """Free the shared memory (idempotent).  Processes attached keep their mapping."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._shm is not None:
            del self._buffer
            self._shm.close()
            self._shm.unlink()
            self._shm = None


class AttachedSlots:
    """Another process's view of a :class:`FrameSlots` block, by its ``name``.

    Parameters
    ----------
    name, slot_bytes
        :attr:`FrameSlots.name` and :attr:`FrameSlots.slot_bytes` of the block.
    """

    def __init__(self, name: str, slot_bytes: int) -> None:
        shm = shared_memory.SharedMemory(name=name)
        self._shm: shared_memory.SharedMemory | None = shm
        self._slot_bytes = slot_bytes
        self._buffer = _as_array(shm)

    def image(self, index: int, shape: tuple[int, ...]) -> Image:
        """Return the frame in slot ``index`` as an array of ``shape``, without copying it.

        The array is valid until the slot is released to the producer.
        """
        start = index * self._slot_bytes
        size = int(np.prod(shape))
        view: Image = self._buffer[start : start + size].reshape(shape)
        return view

    def close(self) -> None:
        """Unmap the block (idempotent)."""
        if self._shm is not None:
            del self._buffer
            self._shm.close()
            self._shm = None
