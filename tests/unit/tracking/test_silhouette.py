import numpy as np
import pytest

from spinecoach.domain.thresholds import engine_thresholds
from spinecoach.tracking.silhouette import lumbar_gap

WHERE = engine_thresholds().silhouette


def _supine_mask(gap_rows: int) -> np.ndarray:
    """A body lying along rows 40-60, shoulder at x=20, hip at x=80 (mask = image scale)."""
    mask = np.zeros((100, 120), np.float32)
    mask[40:60, 10:110] = 1.0
    if gap_rows:
        mask[60 - gap_rows:60, 50:76] = 0.0  # the lower back lifted off the floor
    return mask


def test_flat_back_has_no_gap_and_an_arch_is_measured_in_trunk_lengths():
    flat = lumbar_gap(_supine_mask(0), (20.0, 45.0), (80.0, 45.0), 120, WHERE)
    arched = lumbar_gap(_supine_mask(6), (20.0, 45.0), (80.0, 45.0), 120, WHERE)
    assert flat == pytest.approx(0.0, abs=1e-6)
    assert arched == pytest.approx(6 / 60, abs=0.02)


def test_unknown_when_the_body_is_not_in_the_mask():
    empty = np.zeros((100, 120), np.float32)
    assert np.isnan(lumbar_gap(empty, (20.0, 45.0), (80.0, 45.0), 120, WHERE))
    assert np.isnan(lumbar_gap(_supine_mask(0), (np.nan, 45.0), (80.0, 45.0), 120, WHERE))
