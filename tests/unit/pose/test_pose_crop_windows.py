"""The square crops the estimator tries when the whole picture shows nobody (no model)."""

from __future__ import annotations

import numpy as np

from spinecoach.pose.mediapipe_estimator import _uncrop_landmarks, search_windows


def test_portrait_windows_run_down_the_long_side_middle_first() -> None:
    windows = search_windows(480, 640)
    assert windows[:3] == [(0, 80, 480), (0, 0, 480), (0, 160, 480)]
    assert windows[3:] == [(60, 140, 360), (60, 0, 360), (60, 280, 360)]


def test_landscape_windows_run_along_the_width() -> None:
    windows = search_windows(854, 480)
    assert windows[0] == (187, 0, 480)
    assert {w[1] for w in windows[:3]} == {0}
    assert all(x0 + side <= 854 and y0 + side <= 480 for x0, y0, side in windows)


def test_a_square_picture_skips_the_crop_that_is_the_whole_picture() -> None:
    windows = search_windows(500, 500)
    assert (0, 0, 500) not in windows
    assert windows == [(62, 62, 375), (0, 62, 375), (125, 62, 375)]  # along the width


def test_crop_landmarks_map_back_to_the_whole_picture() -> None:
    lm = np.full((33, 4), np.nan)
    lm[0] = (0.5, 0.25, 0.1, 0.9)  # the crop's centre column, a quarter down
    out = _uncrop_landmarks(lm, (0, 80, 480), 480, 640)
    assert np.allclose(out[0], (0.5, (80 + 120) / 640, 0.1, 0.9))
    assert np.isnan(out[1]).all()
    out = _uncrop_landmarks(lm, (60, 140, 360), 480, 640)
    assert np.allclose(out[0, :3], ((60 + 180) / 480, (140 + 90) / 640, 0.1 * 360 / 480))
