"""Tests for the overlay and the annotated H.264 writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinecoach.domain.landmarks import Landmark
from spinecoach.domain.pose import PoseFrame, PoseSequence, empty_pose
from spinecoach.pose.annotate import AnnotatedVideoWriter, draw_overlay
from spinecoach.pose.overlay import _angle_anchor, _ascii, _banner_message
from spinecoach.pose.replay import ReplayEstimator, ReplaySource
from spinecoach.pose.video import open_video
from spinecoach.tracking.state import FrameState, Phase, StopEvent, Tracking


def _state(**changes: object) -> FrameState:
    values: dict[str, object] = {
        "t_s": 0.0,
        "phase": Phase.TARGET,
        "tracking": Tracking.OK,
        "setup_problem": None,
        "reps": 3,
        "reps_by_side": {"left": 2, "right": 1},
        "hold_s": 1.5,
        "target_hold_s": 3.0,
        "faults": ("hip_sag",),
        "cue": "Lift your hips \u2014 a little higher",
        "angles": {"left_knee_deg": 91.0, "hip_deg": 170.0, "trunk_tilt_deg": 10.0},
    }
    values.update(changes)
    return FrameState(**values)  # type: ignore[arg-type]


def _pose(sequence: PoseSequence, width: int = 160, height: int = 120) -> PoseFrame:
    landmarks = sequence.landmarks[0].copy()
    landmarks[:, 3] = 1.0
    return PoseFrame(0.0, landmarks, width, height)


def test_overlay_draws_on_a_copy(sequence: PoseSequence) -> None:
    image = np.zeros((120, 160, 3), np.uint8)
    out = draw_overlay(image, _pose(sequence), _state())
    assert out.shape == image.shape and out.dtype == np.uint8
    assert image.max() == 0  # input untouched
    assert out.max() > 0


def test_overlay_accepts_read_only_images_and_no_state(sequence: PoseSequence) -> None:
    frame = next(iter(ReplaySource(sequence, image_size=(80, 60))))
    assert not frame.image.flags.writeable
    out = draw_overlay(frame.image, _pose(sequence), None)
    assert out.max() > 0


def test_overlay_with_nobody_and_lost_tracking() -> None:
    image = np.full((90, 160, 3), 80, np.uint8)
    nobody = PoseFrame(0.0, empty_pose(), 160, 90)
    lost = _state(tracking=Tracking.LOST, phase=Phase.UNTRACKED, angles={}, cue=None)
    out = draw_overlay(image, nobody, lost)
    # the red banner fills the bottom rows
    bottom = out[-3:, :, :].reshape(-1, 3).mean(axis=0)
    assert bottom[0] > bottom[1] + 40


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"tracking": Tracking.LOST}, "I can't see you"),
        ({"tracking": Tracking.SETUP, "setup_problem": "Turn side-on"}, "Turn side-on"),
        ({"stop": StopEvent("lumbar_arch", 1.0, "Your back arched")}, "STOP: Your back arched"),
        ({"cue": None}, "hip sag"),
        ({"cue": None, "faults": ()}, None),
        ({}, "Lift your hips"),
    ],
)
def test_banner_priority(changes: dict[str, object], expected: str | None) -> None:
    message = _banner_message(_state(**changes))
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message[0]


def test_angle_keys_find_their_joints(sequence: PoseSequence) -> None:
    landmarks = sequence.landmarks[0]
    assert _angle_anchor("left_knee_deg", landmarks) is Landmark.LEFT_KNEE
    assert _angle_anchor("right_hip_deg", landmarks) is Landmark.RIGHT_HIP
    assert _angle_anchor("hip_deg", landmarks) in (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    assert _angle_anchor("trunk_tilt_deg", landmarks) is None
    assert _angle_anchor("hip_ext_deg", landmarks) is None
    assert _angle_anchor("hip_lift", landmarks) is None
    landmarks = landmarks.copy()
    landmarks[Landmark.LEFT_KNEE, 3], landmarks[Landmark.RIGHT_KNEE, 3] = 0.2, 0.9
    assert _angle_anchor("knee_deg", landmarks) is Landmark.RIGHT_KNEE


def test_ascii_transliteration() -> None:
    assert _ascii("I can\u2019t see you \u2014 move") == "I can't see you  -  move"
    assert _ascii("90\u00b0 caf\u00e9") == "90 deg cafe"


def test_writer_makes_a_decodable_h264_file(tmp_path: Path, sequence: PoseSequence) -> None:
    path = tmp_path / "annotated.mp4"
    source = ReplaySource(sequence, image_size=(161, 121))  # odd size: cropped to even
    estimator = ReplayEstimator(sequence)
    with AnnotatedVideoWriter(path, source.fps, source.width, source.height) as writer:
        for frame in source:
            pose = estimator.estimate(frame.image, frame.t_s)
            writer.write(frame.image, pose, _state(t_s=frame.t_s))
        assert writer.frames_written == len(sequence)
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.codec_context.width, stream.codec_context.height) == (160, 120)
    with open_video(path) as video:
        frames = list(video)
    assert len(frames) == len(sequence)
    np.testing.assert_allclose([f.t_s for f in frames], sequence.t_s - sequence.t_s[0], atol=2e-3)
    # moov atom before mdat: playable while downloading
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")


def test_writer_resizes_other_sizes_and_rejects_bad_args(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        AnnotatedVideoWriter(tmp_path / "x.mp4", 0, 10, 10)
    with AnnotatedVideoWriter(tmp_path / "y.mp4", 25, 64, 48) as writer:
        writer.write_raw(np.zeros((100, 100, 3), np.uint8))
        writer.write_raw(np.zeros((48, 64, 3), np.uint8), 0.0)  # time must still advance
    with open_video(tmp_path / "y.mp4") as video:
        assert [f.image.shape for f in video] == [(48, 64, 3)] * 2
