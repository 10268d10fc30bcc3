"""Domain-randomised synthetic clips with exact truth, one per seed.

Public API::

    from spinecoach.synth.randomise import random_spec, simulate_random, render_random
    from spinecoach.synth.randomise import random_frames, preview_spec, RandomSpec

``random_spec(seed)`` draws everything (exercise, scenario, body, look, room, light, camera,
video format, movement, disturbances) into a frozen :class:`RandomSpec`; ``simulate_random``
gives the exact landmarks and truth without pixels (fast); ``render_random`` writes the video
and ``<out>.truth.json``, which holds the spec under ``"random"`` besides the usual events.
Ranges are listed in :mod:`~spinecoach.synth.randomise.sample` and
:mod:`~spinecoach.synth.randomise.movement`.
"""

from spinecoach.synth.randomise.api import (
    preview_spec,
    random_frames,
    random_spec,
    render_random,
    simulate_random,
)
from spinecoach.synth.randomise.spec import RandomSpec

__all__ = [
    "RandomSpec",
    "preview_spec",
    "random_frames",
    "random_spec",
    "render_random",
    "simulate_random",
]
