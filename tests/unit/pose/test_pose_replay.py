"""Tests for the replay fakes and the estimate_source helper (no MediaPipe)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
import pytest

from spinecoach.domain.pose import PoseSequence
from spinecoach.errors import MissingExtraError
from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator, estimate_source, to_sequence
from spinecoach.pose.replay import ReplayEstimator, ReplaySource


def test_full_pipeline_replays_the_recording(sequence: PoseSequence) -> None:
    source = ReplaySource(sequence)
    estimator = ReplayEstimator(sequence)
    frames = list(estimate_source(source, estimator))
    back = to_sequence(frames)
    np.testing.assert_array_equal(back.t_s, sequence.t_s)
    np.testing.assert_array_equal(back.landmarks, sequence.landmarks)
    assert (back.width, back.height) == (sequence.width, sequence.height)
    assert estimator.calls == len(sequence)
    assert not frames[2].detected and frames[0].detected


def test_nearest_time_matching(sequence: PoseSequence) -> None:
    estimator = ReplayEstimator(sequence)
    dt = sequence.t_s[1] - sequence.t_s[0]
    assert estimator.index_at(sequence.t_s[3] + 0.4 * dt) == 3
    assert estimator.index_at(sequence.t_s[3] + 0.6 * dt) == 4
    exact = PoseSequence(np.array([0.0, 0.5, 1.0]), sequence.landmarks[:3], 10, 10)
    assert ReplayEstimator(exact).index_at(0.25) == 0  # tie -> earlier
    assert estimator.index_at(-5.0) == 0
    assert estimator.index_at(99.0) == len(sequence) - 1
    pose = estimator.estimate(np.zeros((2, 2, 3), np.uint8), 0.123)
    assert pose.t_s == 0.123


def test_skipped_frames_still_match(sequence: PoseSequence) -> None:
    estimator = ReplayEstimator(sequence)
    pose = estimator.estimate(np.zeros((1, 1, 3), np.uint8), float(sequence.t_s[7]))
    np.testing.assert_array_equal(pose.landmarks, sequence.landmarks[7])


def test_returned_landmarks_are_copies(sequence: PoseSequence) -> None:
    estimator = ReplayEstimator(sequence)
    pose = estimator.estimate(np.zeros((1, 1, 3), np.uint8), float(sequence.t_s[0]))
    pose.landmarks[:] = 0
    assert sequence.landmarks[0, 0, 0] != 0


def test_max_offset_returns_nobody(sequence: PoseSequence) -> None:
    estimator = ReplayEstimator(sequence, max_offset_s=0.05)
    assert not estimator.estimate(np.zeros((1, 1, 3), np.uint8), 10.0).detected
    assert estimator.estimate(np.zeros((1, 1, 3), np.uint8), float(sequence.t_s[-1])).detected


def test_masks_are_returned(make_sequence: Callable[..., PoseSequence]) -> None:
    seq = make_sequence(3)
    masks = [np.full((4, 4), i, np.float32) for i in range(3)]
    estimator = ReplayEstimator(seq, masks)
    pose = estimator.estimate(np.zeros((1, 1, 3), np.uint8), float(seq.t_s[1]))
    assert pose.mask is not None and pose.mask[0, 0] == 1.0
    with pytest.raises(ValueError, match="masks"):
        ReplayEstimator(seq, masks[:2])


def test_closed_estimator_and_source_raise(sequence: PoseSequence) -> None:
    with ReplayEstimator(sequence) as estimator:
        pass
    with pytest.raises(RuntimeError):
        estimator.estimate(np.zeros((1, 1, 3), np.uint8), 0.0)
    with ReplaySource(sequence) as source:
        pass
    with pytest.raises(RuntimeError):
        next(iter(source))


def test_replay_source_metadata(sequence: PoseSequence) -> None:
    source = ReplaySource(sequence, image_size=(64, 36))
    assert source.frame_count == len(sequence)
    assert source.fps == pytest.approx(30.0)
    assert (source.width, source.height) == (64, 36)
    frames = list(source)
    assert frames[0].image.shape == (36, 64, 3) and frames[0].image.dtype == np.uint8
    assert [f.t_s for f in frames] == sequence.t_s.tolist()


def test_to_sequence_rejects_mixed_sizes(sequence: PoseSequence) -> None:
    frames = sequence.frames()
    other = PoseSequence(sequence.t_s[:1], sequence.landmarks[:1], 10, 10).frames()
    with pytest.raises(ValueError, match="sizes"):
        to_sequence(frames + other)
    with pytest.raises(ValueError):
        to_sequence([])


def test_missing_mediapipe_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mediapipe.python.solutions", None)
    with pytest.raises(MissingExtraError, match="pip install"):
        MediaPipeEstimator()


def test_bad_parameters_fail_before_loading_the_model() -> None:
    with pytest.raises(ValueError, match="mask_scale"):
        MediaPipeEstimator(mask_scale=0.0)
    with pytest.raises(ValueError, match="min_detection_confidence"):
        MediaPipeEstimator(min_detection_confidence=2.0)
