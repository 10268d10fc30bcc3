"""The live-coaching WebSocket ``/ws/coach?exercise=ID[&session=ID]`` and ``/ws/watch``.

The handshake needs a patient's session cookie: without one it is refused with 401, for a
clinician (who may read, not record) with 403.  Every message a live set sends is also
published to the account's watchers (:mod:`spinecoach.web.live_fanout`): ``/ws/watch`` is
the big screen of a set whose camera is another device (the phone), and it only ever sees
the live sets of the account of its own session.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from spinecoach.errors import SafetyBlockError, SpinecoachError
from spinecoach.session.countdown import CountdownGate
from spinecoach.session.records import Role
from spinecoach.web.auth import NOT_SIGNED_IN, find_signed_in
from spinecoach.web.context import AppContext
from spinecoach.web.deps import get_context
from spinecoach.web.live import GONE, FramePipeline, LiveCoach, SocketLimit, log_dropped
from spinecoach.web.live_fanout import Subscription
from spinecoach.web.live_protocol import error_message
from spinecoach.web.local_user import READ_ONLY, LocalUser
from spinecoach.web.schemas import MAX_ID, SetIn

router = APIRouter()

CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN = 1013
MAX_COUNTDOWN_S = 30.0
BUSY = {
    "account": "{n} live sessions are already open for you. Please close another spinecoach "
               "tab, then start the set again.",
    "server": "spinecoach is already coaching {n} live sessions on this computer. Please try "
              "again when one has ended.",
}


async def _open_set(user: LocalUser, exercise: str, session: int | None) -> int | None:
    if session is None:
        return None
    return await run_in_threadpool(
        user.start_set, session, SetIn(exercise_id=exercise, mode="camera"))


async def _signed_in_patient(ctx: AppContext, websocket: WebSocket) -> LocalUser | None:
    """The patient of the handshake's session; else the handshake is refused (401 / 403)."""
    found = await run_in_threadpool(find_signed_in, websocket)
    if found is None or found.user.role is not Role.PATIENT:
        status, detail = (401, NOT_SIGNED_IN) if found is None else (403, READ_ONLY)
        try:
            await websocket.send_denial_response(JSONResponse({"detail": detail}, status))
        except RuntimeError:  # a server without denial responses: close before accepting
            await websocket.close(CLOSE_POLICY)
        return None
    return LocalUser(ctx.repo, found.user, clock=ctx.clock)


async def _refuse(websocket: WebSocket, code: str, message: str, close_code: int) -> None:
    try:
        await websocket.send_json(error_message(code, message))
        await websocket.close(close_code)
    except GONE:
        log_dropped(websocket)


async def _accept_counted(websocket: WebSocket, limit: SocketLimit, user: LocalUser) -> bool:
    """Accept the socket and count it against its account's and the server's caps; True when
    counted (release it when done), False when over a cap (refused as busy, closed)."""
    await websocket.accept()
    over = limit.acquire(user.user_id)
    if over is not None:
        n = limit.per_account if over == "account" else limit.total
        await _refuse(websocket, "busy", BUSY[over].format(n=n), CLOSE_TRY_AGAIN)
        return False
    return True


@router.websocket("/ws/coach")
async def coach(websocket: WebSocket, exercise: str,
                session: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                countdown_s: Annotated[float, Query(ge=0, le=MAX_COUNTDOWN_S)] = 0.0) -> None:
    """Coach one set live; see ``docs/websocket.md`` for the protocol.

    ``countdown_s``: the tracker watches from the start, but nothing counts before that many
    seconds of the client's clock (the "get into position" countdown).
    """
    ctx = get_context(websocket)
    user = await _signed_in_patient(ctx, websocket)
    if user is None:
        return
    if not await _accept_counted(websocket, ctx.sockets, user):
        return
    try:
        await _coach(ctx, user, websocket, exercise, session, countdown_s)
    finally:
        ctx.sockets.release(user.user_id)


async def _coach(ctx: AppContext, user: LocalUser, websocket: WebSocket, exercise: str,
                 session: int | None, countdown_s: float) -> None:
    try:
        info = await run_in_threadpool(_watch_info, user, exercise)
        set_id = await _open_set(user, exercise, session)
        target = await run_in_threadpool(user.target_hold_s, exercise)
        counts_reps = await run_in_threadpool(user.counts_reps, exercise)
        tracker = await run_in_threadpool(ctx.tracker_factory, exercise, target)
    except SafetyBlockError as exc:
        await _refuse(websocket, "blocked", str(exc), CLOSE_POLICY)
        return
    except SpinecoachError as exc:
        await _refuse(websocket, "bad_request", str(exc), CLOSE_POLICY)
        return
    pipeline = FramePipeline(exercise_id=exercise, tracker=tracker,
                             estimator_factory=ctx.estimator_factory, decode_jpeg=ctx.decode_jpeg,
                             recorder=user, set_id=set_id,
                             gate=CountdownGate(count_from_s=countdown_s,
                                                holds_are_reps=counts_reps))
    if set_id is not None:
        ctx.leases.hold(set_id)
    live = LiveCoach(websocket, pipeline)
    ready = {"type": "ready", "exercise": exercise, "set_id": set_id,
             "target_hold_s": target, "countdown_s": countdown_s}
    await live.send(ready)
    live_id = ctx.fanout.open(user.user_id, {**ready, **info, "recording": set_id is not None})
    live.mirror = lambda message: ctx.fanout.publish(user.user_id, live_id, message)
    try:
        await live.run()
    finally:
        try:
            await _finish(user, websocket, live, set_id)
        finally:
            ctx.fanout.close(user.user_id, live_id)
            if set_id is not None:
                ctx.leases.release(set_id)


def _watch_info(user: LocalUser, exercise: str) -> dict[str, Any]:
    """What a watcher needs to show a set: the exercise's name, its dose and the set number
    (``UnknownExerciseError`` for an unknown exercise)."""
    info = user.exercise(exercise)
    item = next((i for i in user.today().items if i.exercise.id == exercise), None)
    return {"name": info.name, "per_side": info.per_side,
            "reps_target": item.reps if item else None, "sets": item.sets if item else None,
            "set_no": user.sets_done_today(exercise) + 1}


async def _finish(user: LocalUser, websocket: WebSocket, live: LiveCoach,
                  set_id: int | None) -> None:
    summary = None
    if set_id is not None:
        # Shielded: a connection cancelled mid-set (server shutdown) still closes the set
        # with what was recorded, instead of leaving it open without reps or an end.
        finishing = asyncio.get_running_loop().run_in_executor(None, user.finish_set, set_id)
        summary = await asyncio.shield(finishing)
    if not live.ended:
        await live.send({"type": "summary", "set": summary.model_dump() if summary else None,
                         "stopped": None if live.stop is None else {
                             "code": live.stop.code, "message": live.stop.message}})
        if not live.ended:
            try:
                await websocket.close()
            except GONE:
                log_dropped(websocket)


@router.websocket("/ws/watch")
async def watch(websocket: WebSocket) -> None:
    """Follow the live sets of this session's account (the big screen); see docs/websocket.md.

    The server only sends: each live connection's ``ready`` (with the exercise's name and
    dose), its ``state`` and ``summary`` messages as the camera's socket gets them, then
    ``closed``; ``paired`` when a phone has just been signed in by a pairing code.
    """
    ctx = get_context(websocket)
    user = await _signed_in_patient(ctx, websocket)
    if user is None:
        return
    if not await _accept_counted(websocket, ctx.watch_sockets, user):
        return
    try:
        with ctx.fanout.subscribe(user.user_id) as subscription:
            await websocket.send_json({"type": "watching"})
            await _forward(websocket, subscription)
    except GONE:
        log_dropped(websocket)
    finally:
        ctx.watch_sockets.release(user.user_id)


async def _forward(websocket: WebSocket, subscription: Subscription) -> None:
    """Send the subscription's messages until the watcher goes away (what it sends is
    ignored)."""
    async def until_gone() -> None:
        try:
            while (await websocket.receive())["type"] != "websocket.disconnect":
                pass
        except GONE:
            return

    gone = asyncio.create_task(until_gone())
    try:
        while not gone.done():
            getting = asyncio.create_task(subscription.get())
            await asyncio.wait({gone, getting}, return_when=asyncio.FIRST_COMPLETED)
            if not getting.done():
                getting.cancel()
                break
            await websocket.send_json(getting.result())
    finally:
        gone.cancel()
