"""The live-coaching WebSocket ``/ws/coach?exercise=ID[&session=ID]``."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket
from fastapi.concurrency import run_in_threadpool

from spinecoach.errors import SafetyBlockError, SpinecoachError
from spinecoach.web.context import AppContext
from spinecoach.web.deps import get_context
from spinecoach.web.live import FramePipeline, LiveCoach
from spinecoach.web.live_protocol import error_message
from spinecoach.web.schemas import SetIn

router = APIRouter()

CLOSE_POLICY = 1008


async def _open_set(ctx: AppContext, exercise: str, session: int | None) -> int | None:
    if session is None:
        return None
    return await run_in_threadpool(
        ctx.user.start_set, session, SetIn(exercise_id=exercise, mode="camera"))


@router.websocket("/ws/coach")
async def coach(websocket: WebSocket, exercise: str, session: int | None = None) -> None:
    """Coach one set live; see ``docs/websocket.md`` for the protocol."""
    ctx = get_context(websocket)
    await websocket.accept()
    try:
        await run_in_threadpool(ctx.user.exercise, exercise)
        set_id = await _open_set(ctx, exercise, session)
        target = await run_in_threadpool(ctx.user.target_hold_s, exercise)
        tracker = await run_in_threadpool(ctx.tracker_factory, exercise, target)
    except SafetyBlockError as exc:
        await websocket.send_json(error_message("blocked", str(exc)))
        await websocket.close(CLOSE_POLICY)
        return
    except SpinecoachError as exc:
        await websocket.send_json(error_message("bad_request", str(exc)))
        await websocket.close(CLOSE_POLICY)
        return
    pipeline = FramePipeline(exercise_id=exercise, tracker=tracker,
                             estimator_factory=ctx.estimator_factory, decode_jpeg=ctx.decode_jpeg,
                             recorder=ctx.user, set_id=set_id)
    live = LiveCoach(websocket, pipeline)
    await live.send({"type": "ready", "exercise": exercise, "set_id": set_id,
                     "target_hold_s": target})
    try:
        await live.run()
    finally:
        summary = None
        if set_id is not None:
            summary = await run_in_threadpool(ctx.user.finish_set, set_id)
        if not live.ended:
            await live.send({"type": "summary", "set": summary.model_dump() if summary else None,
                             "stopped": None if live.stop is None else {
                                 "code": live.stop.code, "message": live.stop.message}})
            await websocket.close()
