"""Tests for the PyAV video source: timestamps, metadata, rotation and bad files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from spinecoach.errors import UnreadableVideoError
from spinecoach.pose import video
from spinecoach.pose.video import open_video, probe_video

MakeVideo = Callable[..., Path]


def test_frames_metadata_and_rgb(make_video: MakeVideo) -> None:
    path = make_video("bars.mp4", 12, width=64, height=48)
    with open_video(path) as source:
        assert (source.width, source.height) == (64, 48)
        assert source.frame_count == 12
        assert source.fps == pytest.approx(30.0, rel=0.05)
        frames = list(source)
    assert len(frames) == 12
    image = frames[0].image
    assert image.shape == (48, 64, 3) and image.dtype == np.uint8
    # first bar is white, the bar at 1/4 of the width is cyan (0, 255, 255): RGB order
    assert image[24, 2].min() > 200
    red, green, blue = image[24, 64 * 2 // 8 + 3].astype(int)
    assert red < 60 and green > 190 and blue > 190
    assert frames[0].t_s == 0.0
    assert np.all(np.diff([f.t_s for f in frames]) > 0)


def test_variable_frame_rate_timestamps(make_video: MakeVideo) -> None:
    pts_ms = [0, 33, 66, 200, 233, 500, 533, 1000, 1033, 1066]
    path = make_video("vfr.mp4", len(pts_ms), pts_ms=pts_ms)
    with open_video(path) as source:
        t_s = [f.t_s for f in source]
    np.testing.assert_allclose(t_s, np.array(pts_ms) / 1000, atol=1e-3)


def test_timestamps_start_at_zero_for_late_start(make_video: MakeVideo) -> None:
    pts_ms = [500 + 40 * i for i in range(6)]
    path = make_video("late.mp4", 6, pts_ms=pts_ms)
    with open_video(path) as source:
        t_s = [f.t_s for f in source]
    np.testing.assert_allclose(t_s, np.arange(6) * 0.04, atol=1e-3)


def test_source_can_be_iterated_twice(make_video: MakeVideo) -> None:
    with open_video(make_video("twice.mp4", 5)) as source:
        first = [f.t_s for f in source]
        second = [f.t_s for f in source]
    assert first == second and len(first) == 5


def test_rotation_metadata_is_applied(make_video: MakeVideo) -> None:
    path = make_video("rot.mp4", 3, width=64, height=48, rotation_deg=90)
    info = probe_video(path)
    assert (info.width, info.height, info.rotation_deg) == (48, 64, 90)
    with open_video(path) as source:
        image = next(iter(source)).image
    assert image.shape == (64, 48, 3)
    # the white first bar (left edge) ends up along the bottom after a 90 deg CCW turn
    assert image[-2, 24].min() > 200


def test_probe_video(make_video: MakeVideo) -> None:
    info = probe_video(make_video("probe.mp4", 9))
    assert info.frame_count == 9 and info.codec == "h264"
    assert info.duration_s == pytest.approx(0.3, abs=0.05)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.mp4", b"", "empty"),
        ("text.mp4", b"this is not a video, just some text\n" * 20, "not a readable video"),
        (
            "random.mp4",
            bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)),
            "not a readable video",
        ),
    ],
)
def test_not_a_video(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableVideoError, match=message) as info:
        open_video(path)
    assert "\n" not in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(UnreadableVideoError, match="no such file"):
        open_video(tmp_path / "missing.mp4")
    with pytest.raises(UnreadableVideoError, match="not a regular file"):
        probe_video(tmp_path)


def test_truncated_mp4_without_index_is_unreadable(make_video: MakeVideo) -> None:
    path = make_video("cut.mp4", 30, width=160, height=120)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # the moov index is at the end: now gone
    with pytest.raises(UnreadableVideoError, match="not a readable video"):
        open_video(path)


def test_audio_only_file_has_no_video_stream(tmp_path: Path) -> None:
    import av

    path = tmp_path / "sound.wav"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 800), np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = 8000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(UnreadableVideoError, match="no video stream"):
        open_video(path)


def test_truncated_half_way_keeps_the_good_frames(
    make_video: MakeVideo, caplog: pytest.LogCaptureFixture
) -> None:
    path = make_video("fast.mp4", 30, width=160, height=120, options={"movflags": "+faststart"})
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    with caplog.at_level(logging.WARNING), open_video(path) as source:
        frames = list(source)
        assert source.truncated
    assert 0 < len(frames) < 30
    assert np.all(np.diff([f.t_s for f in frames]) > 0)
    assert any("ended early" in r.message or "damaged" in r.message for r in caplog.records)


def test_corrupt_bytes_half_way_do_not_raise(
    make_video: MakeVideo, caplog: pytest.LogCaptureFixture
) -> None:
    path = make_video("noisy.mkv", 30, width=160, height=120)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(3)
    start = len(data) // 2
    positions = rng.integers(start, len(data), size=(len(data) - start) // 10)
    data[start:] = bytes(len(data) - start)  # zero the second half
    for position in positions:
        data[position] = int(rng.integers(0, 256))
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING), open_video(path) as source:
        frames = list(source)
    assert len(frames) >= 5
    assert all(f.image.shape == (120, 160, 3) for f in frames)


def test_unthreaded_decoding_gives_the_same_frames(make_video: MakeVideo) -> None:
    path = make_video("same.mp4", 8)
    with open_video(path, threaded=False) as a, open_video(path) as b:
        assert _frame_threads(b)
        for fa, fb in zip(a, b, strict=True):
            assert fa.t_s == fb.t_s
            np.testing.assert_array_equal(fa.image, fb.image)


def test_sparing_the_cpu_decodes_on_one_thread_unless_the_video_is_large(
    make_video: MakeVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_video("small.mp4", 6)
    with open_video(path, spare_cpu=True) as spared, open_video(path) as default:
        assert spared._container.streams.video[0].codec_context.thread_count == 1
        assert not _frame_threads(spared)
        for fa, fb in zip(spared, default, strict=True):
            assert fa.t_s == fb.t_s
            np.testing.assert_array_equal(fa.image, fb.image)
    monkeypatch.setattr(video, "_THREADED_DECODE_MIN_PIXELS_PER_S", 0)  # "large" from now on
    with open_video(path, spare_cpu=True) as large:
        assert _frame_threads(large)
        assert large._container.streams.video[0].codec_context.thread_count != 1
        assert len(list(large)) == 6


def _frame_threads(source: video.VideoFileSource) -> bool:
    """True when the source's decoder may use frame threads."""
    from av.codec.context import ThreadType

    return bool(source._container.streams.video[0].thread_type & ThreadType.FRAME)


def test_rgb_conversion_on_one_thread_equals_pyav_default(tmp_path: Path) -> None:
    import av

    # Large enough for swscale's automatic threads to split the picture between them.
    path = _textured_video_with_b_frames(tmp_path / "tex.mp4", [round(i * 1000 / 30)
                                                                for i in range(6)],
                                         size=(640, 480))
    with av.open(str(path)) as container:
        expected = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with open_video(path, spare_cpu=True) as source:  # converted on one thread
        got = [frame.image for frame in source]
    assert len(got) == len(expected) == 6
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize(
    ("file_fps", "max_fps", "expected_fps"), [(60, 30, 30), (25, 15, 15), (30, 60, 30)]
)
def test_max_fps_thins_on_a_grid(
    make_video: MakeVideo, file_fps: int, max_fps: float, expected_fps: float
) -> None:
    n_frames = 2 * file_fps
    pts_ms = [round(i * 1000 / file_fps) for i in range(n_frames)]
    path = make_video(f"f{file_fps}.mp4", n_frames, pts_ms=pts_ms)
    with open_video(path, max_fps=max_fps) as source:
        t_s = np.array([f.t_s for f in source])
        assert source.fps == pytest.approx(min(file_fps, max_fps), rel=0.05)
        assert source.frame_count == (None if max_fps < file_fps else n_frames)
    delivered_fps = (len(t_s) - 1) / (t_s[-1] - t_s[0])
    assert delivered_fps == pytest.approx(expected_fps, rel=0.1)
    assert np.diff(t_s).min() > 0.5 / max_fps


@pytest.mark.parametrize(("file_fps", "jitter_ms"), [(30, 0), (25, 0), (60, 0), (30, 6)])
def test_thinning_skips_decoding_dropped_b_frames_and_delivers_the_same_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file_fps: int, jitter_ms: int
) -> None:
    """B-frames the thinner drops are not decoded; what is delivered does not change."""
    from spinecoach.pose import video

    rng = np.random.default_rng(file_fps + jitter_ms)
    n_frames = 3 * file_fps
    pts_ms = np.round(np.arange(n_frames) * 1000 / file_fps
                      + rng.uniform(0, jitter_ms, n_frames)).astype(int)
    path = _textured_video_with_b_frames(tmp_path / f"b{file_fps}-{jitter_ms}.mp4",
                                         [int(p) for p in pts_ms])
    real = video._SkipDropped.droppable
    verdicts: list[bool] = []

    def counted(self: video._SkipDropped, pts: int | None, origin: int | None) -> bool:
        verdicts.append(real(self, pts, origin))
        return verdicts[-1]

    decoded = [0]
    real_decoded = video._decoded

    def counting(*args: object) -> object:
        for frame in real_decoded(*args):  # type: ignore[arg-type]
            decoded[0] += 1
            yield frame

    def frames() -> list[tuple[float, bytes]]:
        decoded[0] = 0
        with open_video(path, max_fps=15) as source:
            out = [(f.t_s, f.image.tobytes()) for f in source]
            assert not source.truncated  # skipped frames are not missing frames
        return out

    monkeypatch.setattr(video, "_decoded", counting)
    monkeypatch.setattr(video._SkipDropped, "droppable", counted)
    skipping, decoded_skipping = frames(), decoded[0]
    monkeypatch.setattr(video._SkipDropped, "droppable", lambda self, pts, origin: False)
    decoding_all = frames()
    assert sum(verdicts) >= n_frames // 4
    assert decoded_skipping <= decoded[0] - n_frames // 4  # and the decoder did skip them
    assert [t for t, _ in skipping] == [t for t, _ in decoding_all]
    assert skipping == decoding_all


def _textured_video_with_b_frames(path: Path, pts_ms: list[int],
                                  size: tuple[int, int] = (96, 64)) -> Path:
    """A moving noise texture (flat colour bars are all P-frames), with non-reference
    B-frames between every P-frame; the index first, so a cut file still opens."""
    import av

    tb = Fraction(1, 1000)
    width, height = size
    texture = np.random.default_rng(0).integers(0, 256, (height + 32, width + 64, 3),
                                                dtype=np.uint8)
    with av.open(str(path), mode="w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream(
            "libx264", rate=30, options={"x264-params": "bframes=3:b-adapt=0:b-pyramid=none"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = stream.codec_context.time_base = tb
        for i, pts in enumerate(pts_ms):
            shift = i % 64
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(texture[:height, shift:shift + width]), format="rgb24")
            frame.pts, frame.time_base = pts, tb
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def test_a_truncated_file_is_still_reported_when_thinning_skips_frames(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Frames skipped on purpose are not taken for missing ones, and missing ones still are."""
    pts_ms = [round(i * 1000 / 30) for i in range(90)]
    whole = _textured_video_with_b_frames(tmp_path / "whole.mp4", pts_ms)
    with open_video(whole, max_fps=15) as source:
        assert len(list(source)) == 45
        assert not source.truncated
    cut = tmp_path / "cut.mp4"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with caplog.at_level(logging.WARNING), open_video(cut, max_fps=15) as source:
        frames = list(source)
        assert source.truncated
    assert 0 < len(frames) < 45
    assert any("ended early" in r.message or "damaged" in r.message for r in caplog.records)


def test_max_fps_must_be_positive(make_video: MakeVideo) -> None:
    with pytest.raises(ValueError, match="max_fps"):
        open_video(make_video("z.mp4", 2), max_fps=0)
