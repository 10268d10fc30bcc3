from __future__ import annotations

import asyncio

from spinecoach.web.live import LatestSlot, Pending


def test_only_the_newest_frame_waits_and_the_rest_are_counted_as_dropped() -> None:
    async def run() -> tuple[Pending | None, Pending | None, int]:
        slot = LatestSlot()
        for i in range(5):
            slot.put(Pending(t_s=i / 30, jpeg=b"x"))
        first = await slot.take()
        slot.close()
        return first, await slot.take(), slot.dropped

    first, after_close, dropped = asyncio.run(run())
    assert first is not None and first.t_s == 4 / 30
    assert after_close is None
    assert dropped == 4


def test_take_waits_for_a_frame() -> None:
    async def run() -> float:
        slot = LatestSlot()
        asyncio.get_running_loop().call_later(0.01, slot.put, Pending(t_s=1.5, jpeg=b"x"))
        item = await slot.take()
        assert item is not None
        return item.t_s

    assert asyncio.run(run()) == 1.5
