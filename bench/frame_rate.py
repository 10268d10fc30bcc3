"""Replay a cached landmark stream at the frame rate a live loop would analyse.

The cached streams are posed at 12-15 frames a second.  Live coaching on a loaded machine
analyses fewer: the browser sends every frame, the server keeps only the newest while the
pose model is busy, so the analysed rate falls to 2-5 frames a second with pauses of a
second or two (measured in the bridge browser test run beside two renders).  ``live``
models that: the rate changes every 1.5 s among 2, 3, 4 and 5 frames a second, each step
varies by -40 % to +60 %, and 3 % of steps are a 1.0-1.9 s pause.  Seeded by the clip, so a
replay is the same every run.
"""

from __future__ import annotations

import random

from corpus import Stream

LIVE_RATES = (2, 3, 4, 5)
BLOCK_S = 1.5
PAUSE_CHANCE = 0.03


def replay(stream: Stream, rate: str, seed: int) -> Stream:
    """``stream`` as analysed at ``rate``: "cached" (as it is), "live", or frames a second."""
    if rate == "cached":
        return stream
    frames = []
    if rate == "live":
        rng = random.Random(seed)
        block, fps, due = -1, LIVE_RATES[0], -1e9
        for f in stream.frames:
            if int(f.t_s / BLOCK_S) != block:
                block, fps = int(f.t_s / BLOCK_S), rng.choice(LIVE_RATES)
            if f.t_s >= due:
                frames.append(f)
                step = rng.uniform(0.6, 1.6) / fps
                if rng.random() < PAUSE_CHANCE:
                    step = rng.uniform(1.0, 1.9)
                due = f.t_s + step
    else:
        step, last = 1.0 / float(rate), -1e9
        for f in stream.frames:
            if f.t_s - last >= step - 1e-6:
                frames.append(f)
                last = f.t_s
    return Stream(frames, stream.fps, stream.file_frames, stream.duration_s)
