"""Benchmark the live-coaching loop over the WebSocket on localhost, with real MediaPipe.

It starts ``spinecoach serve`` on a free port (own temporary data directory), renders a
synthetic 640x480 bridge clip, JPEG-encodes its frames once, then streams them over
``/ws/coach`` exactly as the browser does (a ``frame`` header, then the JPEG), paced at the
camera rate.  It measures:

* sustained fps: ``state`` answers received per second of streaming;
* latency: time from sending a frame's JPEG to receiving the ``state`` for that frame
  (frames the server dropped as stale have no latency; they are counted as dropped);
* the same under overload (frames sent 4x faster than the camera), to show that stale
  frames are dropped and latency stays bounded instead of a queue building up.

Results are appended to BENCHMARKS.md under "## Live loop" (the section is created if
missing; other sections are left alone).

``--load`` measures instead several sockets from one address held at the camera rate at
once (``--sockets 1,2,4``, 15 fps by default, the app's sampling), with each socket's and the
overall latency, states per second, frames the server dropped and the server's resident
memory (VmRSS) before, at its peak and 5 s after the sockets closed; then the per-account
cap: ``MAX_SOCKETS_PER_ACCOUNT + 2`` sockets opened at once, what the extra ones are told
and whether memory grows for them.  Written through ``benchmd.write_section`` as the
"## Live load" section.

Run: ``.venv/bin/python bench/bench_live.py [--seconds 20] [--fps 30]``
or   ``.venv/bin/python bench/bench_live.py --load [--seconds 20] [--sockets 1,2,4]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import websockets

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "BENCHMARKS.md"
HEADING = "## Live loop"
TABLE_HEAD = (
    "| date (UTC) | machine | mode | send fps | frames sent | states | dropped | "
    "sustained fps | latency p50 ms | latency p95 ms | server ms/frame p50 |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_frames(seconds: float, fps: float, exercise: str = "bridge") -> list[bytes]:
    """Render a synthetic clip of ``exercise`` and JPEG-encode its frames."""
    from spinecoach.pose.jpeg import encode_jpeg
    from spinecoach.synth import render_frames

    count = int(seconds * fps)
    images = list(render_frames(exercise, "good", fps=fps, width=640, height=480))
    return [encode_jpeg(images[i % len(images)], quality=75) for i in range(count)]


@dataclass
class Result:
    mode: str
    send_fps: float
    sent: int
    states: int
    dropped: int
    sustained_fps: float
    p50_ms: float
    p95_ms: float
    server_p50_ms: float
    server_dropped: int = 0  # the server's own "dropped" count (newer frame arrived)
    latencies: list[float] = field(default_factory=list, repr=False)


async def stream(url: str, frames: list[bytes], send_fps: float, mode: str,
                 cookie: str) -> Result:
    """Stream ``frames`` at ``send_fps`` and collect per-frame latency (signed in by
    ``cookie``)."""
    sent_at: dict[float, float] = {}
    latencies: list[float] = []
    server_ms: list[float] = []
    times: list[float] = []
    server_dropped = 0
    async with websockets.connect(url, max_size=None,
                                  additional_headers={"Cookie": cookie}) as ws:
        ready = json.loads(await ws.recv())
        assert ready["type"] == "ready", ready

        async def receive() -> None:
            nonlocal server_dropped
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "state":
                    now = time.perf_counter()
                    latencies.append(1000.0 * (now - sent_at[msg["t_s"]]))
                    server_ms.append(msg["process_ms"])
                    server_dropped = max(server_dropped, msg["dropped"])
                    times.append(now)
                elif msg["type"] == "summary":
                    return

        receiver = asyncio.create_task(receive())
        start = time.perf_counter()
        for i, jpeg in enumerate(frames):
            t_s = round(i / send_fps, 6)
            delay = start + t_s - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await ws.send(json.dumps({"type": "frame", "t_s": t_s}))
            sent_at[t_s] = time.perf_counter()
            await ws.send(jpeg)
        await asyncio.sleep(0.5)
        await ws.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(receiver, timeout=30)
    span = (times[-1] - times[0]) if len(times) > 1 else 1.0
    q = statistics.quantiles(latencies, n=20)
    return Result(mode, send_fps, len(frames), len(latencies), len(frames) - len(latencies),
                  (len(times) - 1) / span, statistics.median(latencies), q[18],
                  statistics.median(server_ms), server_dropped, latencies)


def start_server(data_dir: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """Start ``spinecoach serve``, wait until it answers, sign in by the link it prints;
    return the process and the session cookie."""
    from spinecoach.web.testing import find_signin_link, http_client_signed_in

    env = {**os.environ, "SPINECOACH_DATA_DIR": str(data_dir), "SPINECOACH_SPEECH": "browser"}
    env.pop("SPINECOACH_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "spinecoach.cli", "serve", "--no-browser",
                             "--port", str(port)], env=env, cwd=REPO, stderr=subprocess.PIPE,
                            text=True)
    link = find_signin_link("".join(proc.stderr.readline() for _ in range(2)))  # type: ignore[union-attr]
    for _ in range(200):
        try:
            if link and httpx.get(f"http://127.0.0.1:{port}/api/health",
                                  timeout=1).status_code == 401:
                client = http_client_signed_in(link)
                cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
                client.close()
                return proc, cookie
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def write_results(results: list[Result]) -> None:
    """Append one row per result under the Live loop heading of BENCHMARKS.md."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    rows = "".join(
        f"| {stamp} | {machine} | {r.mode} | {r.send_fps:g} | {r.sent} | {r.states} | "
        f"{r.dropped} | {r.sustained_fps:.1f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
        f"{r.server_p50_ms:.1f} |\n" for r in results)
    if HEADING not in text:
        intro = (f"\n{HEADING}\n\nWritten by `bench/bench_live.py`: JPEG frames of a synthetic "
                 "640x480 bridge clip streamed over `/ws/coach` on localhost to a real "
                 "`spinecoach serve` (MediaPipe BlazePose, model complexity 1). Latency = JPEG "
                 "sent -> state received. Target: 30 fps sustained, p95 < 100 ms. In the "
                 "overload row frames are sent 4x faster than a camera: the server drops "
                 "stale frames, so latency stays bounded. The hip hinge also computes the "
                 "segmentation mask (its lumbar-arch stop rule). The machine is shared: "
                 "runs under load from other processes are slower.\n\n")
        text = text.rstrip("\n") + "\n" + intro + TABLE_HEAD + rows
    else:
        head, _, tail = text.partition(HEADING)
        next_section = tail.find("\n## ")
        section, rest = (tail, "") if next_section < 0 else (tail[:next_section + 1],
                                                              tail[next_section + 1:])
        section = section.rstrip("\n") + "\n" + rows
        text = head + HEADING + section + ("\n" + rest if rest else "")
    BENCHMARKS.write_text(text, encoding="utf-8")


# --- load mode: several sockets at once, and the per-address cap -------------------------

LOAD_HEADING = "Live load"


def rss_mib(pid: int) -> float:
    """The resident memory of process ``pid`` (``VmRSS`` of ``/proc/<pid>/status``), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for process {pid}")


def _pct(values: list[float], q: int) -> float:
    """The ``q``-th percentile (1..99) of ``values``."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1]


@dataclass
class LoadLevel:
    sockets: int
    results: list[Result]
    rss_before: float
    rss_peak: float
    rss_after: float
    wall_s: float


async def load_level(url: str, frames: list[bytes], fps: float, n: int, cookie: str,
                     pid: int, settle_s: float = 5.0) -> LoadLevel:
    """Hold ``n`` sockets streaming ``frames`` at ``fps`` at once (via :func:`stream`),
    sampling the server's RSS; then wait ``settle_s`` after they closed and read it again."""
    before = rss_mib(pid)
    peak = before
    streaming = True

    async def sample() -> None:
        nonlocal peak
        while streaming:
            peak = max(peak, rss_mib(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    start = time.perf_counter()
    results = await asyncio.gather(*(stream(url, frames, fps, f"socket {i + 1}/{n}", cookie)
                                     for i in range(n)))
    wall = time.perf_counter() - start
    streaming = False
    await sampler
    peak = max(peak, rss_mib(pid))
    await asyncio.sleep(settle_s)
    return LoadLevel(n, list(results), before, peak, rss_mib(pid), wall)


@dataclass
class CapResult:
    cap: int
    opened: int
    ready: int
    refusals: list[str]  # what each socket over the cap got, verbatim
    rss_at_cap: float
    rss_after_extra: float


async def cap_check(url: str, frame: bytes, cookie: str, pid: int, cap: int) -> CapResult:
    """Open ``cap`` sockets (each sends one frame, so its pose model is loaded), read RSS,
    then open 2 more from the same address and record what they get."""
    from websockets.exceptions import ConnectionClosed

    headers = {"Cookie": cookie}
    held = []
    try:
        for _ in range(cap):
            ws = await websockets.connect(url, max_size=None, additional_headers=headers)
            held.append(ws)
            ready = json.loads(await ws.recv())
            assert ready["type"] == "ready", ready
            await ws.send(json.dumps({"type": "frame", "t_s": 0.0}))
            await ws.send(frame)
            assert json.loads(await ws.recv())["type"] == "state"
        await asyncio.sleep(1.0)
        at_cap = rss_mib(pid)
        refusals = []
        for _ in range(2):
            async with websockets.connect(url, max_size=None, additional_headers=headers) as ws:
                got = []
                try:
                    while True:
                        got.append(f"message {await asyncio.wait_for(ws.recv(), 10)}")
                except ConnectionClosed as exc:
                    rcvd = exc.rcvd
                    got.append(f"close {rcvd.code} {rcvd.reason!r}" if rcvd else "no close frame")
                refusals.append("; ".join(got))
        await asyncio.sleep(1.0)
        after = rss_mib(pid)
        ready_count = len(held)
    finally:
        for ws in held:
            await ws.close()
    return CapResult(cap, cap + 2, ready_count, refusals, at_cap, after)


def write_load(levels: list[LoadLevel], cap: CapResult, fps: float, seconds: float) -> None:
    """Write the "Live load" section of BENCHMARKS.md (replacing the previous one)."""
    from benchmd import write_section

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    lines = [
        f"Written by `bench/bench_live.py --load` on {stamp} UTC ({machine}). N sockets from "
        f"one address (127.0.0.1) each stream the synthetic 640x480 bridge clip as JPEGs at "
        f"{fps:g} fps (the app's sampling) for {seconds:g} s, all at once, to one real "
        "`spinecoach serve` (MediaPipe BlazePose). Latency = JPEG sent -> its state received; "
        "dropped = the server's `dropped` count (a newer frame arrived first); states/s = "
        "states received per second of streaming. RSS = the server's VmRSS, before the "
        "sockets opened, at its peak (sampled every 0.2 s) and 5 s after they closed.",
        "",
        "The machine was shared with other work (two background render processes at nice 15 "
        "were running), so absolute numbers are pessimistic; the ratios between rows matter.",
        "",
        "| sockets | socket | frames sent | states | dropped by server | states/s | "
        "latency p50 ms | latency p95 ms | RSS before MiB | RSS peak MiB | RSS +5 s MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in levels:
        for i, r in enumerate(lv.results):
            lines.append(f"| {lv.sockets} | {i + 1} | {r.sent} | {r.states} | "
                         f"{r.server_dropped} | {r.sustained_fps:.1f} | {r.p50_ms:.1f} | "
                         f"{r.p95_ms:.1f} | | | |")
        every = [x for r in lv.results for x in r.latencies]
        lines.append(
            f"| **{lv.sockets}** | **all** | {sum(r.sent for r in lv.results)} | "
            f"{sum(r.states for r in lv.results)} | "
            f"{sum(r.server_dropped for r in lv.results)} | "
            f"{sum(r.sustained_fps for r in lv.results):.1f} | {_pct(every, 50):.1f} | "
            f"{_pct(every, 95):.1f} | {lv.rss_before:.0f} | {lv.rss_peak:.0f} | "
            f"{lv.rss_after:.0f} |")
    lines += [
        "",
        f"Cap (`MAX_SOCKETS_PER_ACCOUNT` = {cap.cap}): {cap.opened} sockets opened by one "
        f"account; {cap.ready} got `ready` (each sent one frame, so its pose model was "
        f"loaded). RSS with {cap.cap} open: {cap.rss_at_cap:.0f} MiB; 1 s after the "
        f"{cap.opened - cap.ready} extra ones were refused: {cap.rss_after_extra:.0f} MiB "
        f"({cap.rss_after_extra - cap.rss_at_cap:+.1f} MiB). What each extra socket got, "
        "verbatim:",
        "",
    ]
    lines += [f"- `{r}`" for r in cap.refusals]
    write_section(LOAD_HEADING, "\n".join(lines))


def run_load(seconds: float, fps: float, counts: list[int], write: bool) -> None:
    """The ``--load`` run: each of ``counts`` sockets at once, then the cap check."""
    from spinecoach.web.live_protocol import MAX_SOCKETS_PER_ACCOUNT

    print("rendering frames ...", flush=True)
    frames = make_frames(seconds, fps)
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc, cookie = start_server(Path(tmp), port)
        try:
            url = f"ws://127.0.0.1:{port}/ws/coach?exercise=bridge"
            levels = []
            for n in counts:
                lv = asyncio.run(load_level(url, frames, fps, n, cookie, proc.pid))
                levels.append(lv)
                every = [x for r in lv.results for x in r.latencies]
                print(f"{n} sockets: {sum(r.states for r in lv.results)} states, "
                      f"{sum(r.server_dropped for r in lv.results)} dropped, "
                      f"{sum(r.sustained_fps for r in lv.results):.1f} states/s, p50 "
                      f"{_pct(every, 50):.1f} ms p95 {_pct(every, 95):.1f} ms; RSS "
                      f"{lv.rss_before:.0f} -> {lv.rss_peak:.0f} -> {lv.rss_after:.0f} MiB",
                      flush=True)
            cap = asyncio.run(cap_check(url, frames[0], cookie, proc.pid,
                                        MAX_SOCKETS_PER_ACCOUNT))
            print(f"cap {cap.cap}: {cap.ready} ready, extra got {cap.refusals}; RSS "
                  f"{cap.rss_at_cap:.0f} -> {cap.rss_after_extra:.0f} MiB", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    if write:
        write_load(levels, cap, fps, seconds)
        print(f"wrote the {LOAD_HEADING} section of {BENCHMARKS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument("--load", action="store_true",
                        help="several sockets at once (default 15 fps) and the per-address cap")
    parser.add_argument("--sockets", default="1,2,4", help="--load: socket counts to hold")
    args = parser.parse_args()
    if args.load:
        fps = args.fps if "--fps" in sys.argv else 15.0
        run_load(args.seconds, fps, [int(n) for n in args.sockets.split(",")],
                 not args.no_write)
        return
    print("rendering frames ...", flush=True)
    frames = make_frames(args.seconds, args.fps)
    hinge = make_frames(args.seconds, args.fps, "hip-hinge")
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc, cookie = start_server(Path(tmp), port)
        try:
            url = f"ws://127.0.0.1:{port}/ws/coach?exercise="
            results = [
                asyncio.run(stream(url + "bridge", frames, args.fps, "bridge, camera rate",
                                   cookie)),
                asyncio.run(stream(url + "bridge", frames, 4 * args.fps, "bridge, overload 4x",
                                   cookie)),
                asyncio.run(stream(url + "hip-hinge", hinge, args.fps,
                                   "hip hinge + body mask, camera rate", cookie)),
            ]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for r in results:
        print(f"{r.mode}: sent {r.sent} at {r.send_fps:g} fps, {r.states} states, "
              f"{r.dropped} dropped, sustained {r.sustained_fps:.1f} fps, latency p50 "
              f"{r.p50_ms:.1f} ms p95 {r.p95_ms:.1f} ms (server {r.server_p50_ms:.1f} ms)")
    if not args.no_write:
        write_results(results)
        print(f"appended to {BENCHMARKS}")


if __name__ == "__main__":
    main()
