"""The live-coaching WebSocket protocol: parsing client messages and shaping server ones.

Pure functions, no I/O: :mod:`spinecoach.web.live` runs the loop.  The protocol is
documented for other clients in ``docs/websocket.md``.

Client -> server (text JSON unless noted)::

    {"type": "frame", "t_s": 12.345}             then ONE binary message: the JPEG
    {"type": "landmarks", "t_s": 12.345, "landmarks": [[x, y, z, v] x 33],
     "width": 640, "height": 480}                 (width/height optional, default 640x480)
    {"type": "end"}                               finish the set; the server answers "summary"

Server -> client: ``ready``, ``state`` (one per processed frame), ``error``, ``summary``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinecoach.domain.landmarks import N_LANDMARKS
from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import InputError
from spinecoach.tracking.state import FrameState

MAX_TEXT_BYTES = 64_000
MAX_JPEG_BYTES = 4_000_000
# The server's WebSocket message limit: a frame up to this size is read and answered
# ``bad_frame`` when over MAX_JPEG_BYTES; only a larger message ends the connection (1009).
WS_MAX_MESSAGE_BYTES = 16 * 1024 * 1024
MAX_SOCKETS_PER_ACCOUNT = 4  # live sets open at once for one account (each has a pose model)
MAX_LIVE_SOCKETS = 8  # and on the whole server, whoever they are for
DEFAULT_SIZE = (640, 480)


class ProtocolError(InputError):
    """A client message that does not follow the protocol; the socket stays open."""


@dataclass(frozen=True)
class FrameHeader:
    """Announces that the next binary message is a JPEG captured at ``t_s``."""

    t_s: float


@dataclass(frozen=True)
class LandmarksMessage:
    """A pose computed by the client's own model."""

    frame: PoseFrame


@dataclass(frozen=True)
class EndMessage:
    """The client finished the set."""


ClientMessage = FrameHeader | LandmarksMessage | EndMessage


def _time(payload: dict[str, Any]) -> float:
    t_s = payload.get("t_s")
    if isinstance(t_s, bool) or not isinstance(t_s, int | float) or not math.isfinite(t_s):
        raise ProtocolError("'t_s' must be a finite number of seconds")
    if t_s < 0:
        raise ProtocolError("'t_s' must not be negative")
    return float(t_s)


def _size(payload: dict[str, Any]) -> tuple[int, int]:
    width = payload.get("width", DEFAULT_SIZE[0])
    height = payload.get("height", DEFAULT_SIZE[1])
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 10_000
               for v in (width, height)):
        raise ProtocolError("'width' and 'height' must be positive integers")
    return int(width), int(height)


def parse_landmarks(raw: object) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Parse ``[[x, y, z, v] x 33]`` (null for a missing value) into a ``(33, 4)`` array."""
    if not isinstance(raw, list) or len(raw) != N_LANDMARKS:
        raise ProtocolError(f"'landmarks' must be a list of {N_LANDMARKS} points")
    out = np.full((N_LANDMARKS, 4), np.nan)
    for i, point in enumerate(raw):
        if point is None:
            continue
        if not isinstance(point, list) or len(point) not in (3, 4):
            raise ProtocolError(f"landmark {i} must be [x, y, z, visibility]")
        for j, value in enumerate(point):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ProtocolError(f"landmark {i} holds a value that is not a number")
            out[i, j] = float(value)
        if len(point) == 3:
            out[i, 3] = 1.0
    return out


def parse_client_text(text: str) -> ClientMessage:
    """Parse one text message from the client.

    Raises
    ------
    ProtocolError
        When the message is not JSON or does not follow the protocol.
    """
    if len(text) > MAX_TEXT_BYTES:
        raise ProtocolError("message too long")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON: {exc.msg}") from exc
    if not isinstance(payload, dict):
        raise ProtocolError("a message must be a JSON object")
    kind = payload.get("type")
    if kind == "frame":
        return FrameHeader(t_s=_time(payload))
    if kind == "landmarks":
        width, height = _size(payload)
        pose = parse_landmarks(payload.get("landmarks"))
        return LandmarksMessage(PoseFrame(_time(payload), pose, width, height))
    if kind == "end":
        return EndMessage()
    raise ProtocolError(f"unknown message type: {kind!r}")


def _clean(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def landmarks_json(frame: PoseFrame) -> list[list[float | None]] | None:
    """Landmarks as ``[[x, y, z, v] x 33]`` with null for missing values, or None."""
    if not frame.detected:
        return None
    return [[_clean(float(v)) for v in point] for point in frame.landmarks]


def state_message(
    state: FrameState, frame: PoseFrame, *, dropped: int, process_ms: float,
    counting: bool = True,
) -> dict[str, Any]:
    """Build the ``state`` message for one processed frame (``counting``: after "go")."""
    events: list[dict[str, Any]] = []
    if state.rep is not None:
        rep = state.rep
        events.append({"type": "rep", "index": rep.index, "side": rep.side,
                       "hold_s": round(rep.hold_s, 2), "good_form": rep.good_form,
                       "faults": list(rep.faults)})
    if state.hold is not None:
        events.append({"type": "hold", "start_s": state.hold.start_s,
                       "end_s": state.hold.end_s,
                       "duration_s": round(state.hold.duration_s, 2)})
    if state.stop is not None:
        events.append({"type": "stop", "code": state.stop.code, "at_s": state.stop.at_s,
                       "message": state.stop.message})
    return {
        "type": "state",
        "t_s": state.t_s,
        "reps": state.reps,
        "reps_by_side": dict(state.reps_by_side),
        "phase": str(state.phase),
        "hold_s": round(state.hold_s, 2),
        "target_hold_s": state.target_hold_s,
        "faults": list(state.faults),
        "cue": state.cue,
        "tracking": str(state.tracking),
        "setup_problem": state.setup_problem,
        "angles": {k: v for k, v in ((k, _clean(v)) for k, v in state.angles.items())
                   if v is not None},
        "landmarks": landmarks_json(frame),
        "events": events,
        "dropped": dropped,
        "process_ms": round(process_ms, 1),
        "counting": counting,
    }


def error_message(code: str, message: str) -> dict[str, Any]:
    """Build an ``error`` message; the socket stays open unless the code says otherwise."""
    return {"type": "error", "code": code, "message": message}
