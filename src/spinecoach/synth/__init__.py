"""Synthetic video generator: a shaded human figure with exact ground truth.

Public API::

    from spinecoach.synth import simulate, render_clip, render_frames, render_pose_image
    from spinecoach.synth import SCENARIOS, GroundTruth

The fixed scenarios above are the golden clips of the fast tests.  For a broad development
corpus, :mod:`spinecoach.synth.randomise` draws a whole clip from a seed (body, clothes, room,
light, camera, video format, tempo, holds, foot placement, cut, zoom, occlusion, a passer-by)
with the same kind of exact truth: ``random_spec``, ``simulate_random``, ``render_random``.

Conventions (see :mod:`spinecoach.synth.scene3d` and :mod:`spinecoach.synth.truth`):

- ``facing`` is the image side the head is on for the lying exercises (hip-hinge, bridge,
  plank) and the side the nose and toes point to for the standing ball squat.
- Landmark sides are the person's own anatomical sides.  Nearer the camera: hip-hinge and
  bridge (supine) -> right side when facing left, left when facing right; plank (prone) and
  ball squat (standing) -> left side when facing left, right when facing right
  (``GroundTruth.near_side``).
- Landmark ``z`` is the depth from the mid-hip, scaled like ``x``; negative = nearer.
"""

from spinecoach.synth.api import render_clip, render_frames, render_pose_image, simulate
from spinecoach.synth.scenarios import SCENARIOS
from spinecoach.synth.truth import GroundTruth

__all__ = [
    "SCENARIOS",
    "GroundTruth",
    "render_clip",
    "render_frames",
    "render_pose_image",
    "simulate",
]
