"""The live-coaching WebSocket ``/ws/coach?exercise=ID[&session=ID]``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, WebSocket
from fastapi.concurrency import run_in_threadpool

from spinecoach.errors import SafetyBlockError, SpinecoachError
from spinecoach.session.countdown import CountdownGate
from spinecoach.web.context import AppContext
from spinecoach.web.deps import get_context
from spinecoach.web.live import GONE, FramePipeline, LiveCoach, log_dropped
from spinecoach.web.live_protocol import error_message
from spinecoach.web.schemas import MAX_ID, SetIn

router = APIRouter()

CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN = 1013
MAX_COUNTDOWN_S = 30.0
BUSY = ("{n} live sessions are already open on this device. Please close another spinecoach "
        "tab, then start the set again.")


async def _open_set(ctx: AppContext, exercise: str, session: int | None) -> int | None:
    if session is None:
        return None
    return await run_in_threadpool(
        ctx.user.start_set, session, SetIn(exercise_id=exercise, mode="camera"))


async def _refuse(websocket: WebSocket, code: str, message: str, close_code: int) -> None:
    try:
        await websocket.send_json(error_message(code, message))
        await websocket.close(close_code)
    except GONE:
        log_dropped(websocket)


@router.websocket("/ws/coach")
async def coach(websocket: WebSocket, exercise: str,
                session: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                countdown_s: Annotated[float, Query(ge=0, le=MAX_COUNTDOWN_S)] = 0.0) -> None:
    """Coach one set live; see ``docs/websocket.md`` for the protocol.

    ``countdown_s``: the tracker watches from the start, but nothing counts before that many
    seconds of the client's clock (the "get into position" countdown).
    """
    ctx = get_context(websocket)
    client = websocket.client.host if websocket.client else "unknown"
    await websocket.accept()
    if not ctx.sockets.acquire(client):
        await _refuse(websocket, "busy", BUSY.format(n=ctx.sockets.per_client), CLOSE_TRY_AGAIN)
        return
    try:
        await _coach(ctx, websocket, exercise, session, countdown_s)
    finally:
        ctx.sockets.release(client)


async def _coach(ctx: AppContext, websocket: WebSocket, exercise: str,
                 session: int | None, countdown_s: float) -> None:
    try:
        await run_in_threadpool(ctx.user.exercise, exercise)
        set_id = await _open_set(ctx, exercise, session)
        target = await run_in_threadpool(ctx.user.target_hold_s, exercise)
        counts_reps = await run_in_threadpool(ctx.user.counts_reps, exercise)
        tracker = await run_in_threadpool(ctx.tracker_factory, exercise, target)
    except SafetyBlockError as exc:
        await _refuse(websocket, "blocked", str(exc), CLOSE_POLICY)
        return
    except SpinecoachError as exc:
        await _refuse(websocket, "bad_request", str(exc), CLOSE_POLICY)
        return
    pipeline = FramePipeline(exercise_id=exercise, tracker=tracker,
                             estimator_factory=ctx.estimator_factory, decode_jpeg=ctx.decode_jpeg,
                             recorder=ctx.user, set_id=set_id,
                             gate=CountdownGate(count_from_s=countdown_s,
                                                holds_are_reps=counts_reps))
    live = LiveCoach(websocket, pipeline)
    await live.send({"type": "ready", "exercise": exercise, "set_id": set_id,
                     "target_hold_s": target, "countdown_s": countdown_s})
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
            if not live.ended:
                try:
                    await websocket.close()
                except GONE:
                    log_dropped(websocket)
