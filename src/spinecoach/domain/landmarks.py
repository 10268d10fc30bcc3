"""BlazePose's 33 landmarks as an IntEnum, the skeleton edges, and the per-side joint sets.

Coordinates throughout spinecoach follow BlazePose: ``x`` and ``y`` normalised to the image
width and height (0..1, y down), ``z`` roughly in the scale of ``x``, and ``v`` the visibility
(0..1).  A pose is a float array of shape ``(33, 4)``; a missing landmark is NaN.
"""

from __future__ import annotations

from enum import IntEnum


class Landmark(IntEnum):
    """Index of each BlazePose landmark in a ``(33, 4)`` pose array."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32

    @property
    def column(self) -> str:
        """The lower-case name used in landmark CSV columns (``left_hip``)."""
        return self.name.lower()


N_LANDMARKS = len(Landmark)
COMPONENTS = ("x", "y", "z", "v")

SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.NOSE, Landmark.LEFT_EYE),
    (Landmark.NOSE, Landmark.RIGHT_EYE),
    (Landmark.LEFT_EYE, Landmark.LEFT_EAR),
    (Landmark.RIGHT_EYE, Landmark.RIGHT_EAR),
)


class Side(IntEnum):
    """A body side; ``LEFT`` means the person's own left."""

    LEFT = 0
    RIGHT = 1

    @property
    def label(self) -> str:
        """``"left"`` or ``"right"``."""
        return self.name.lower()

    @property
    def other(self) -> Side:
        """The opposite side."""
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


_SIDED = {
    "ear": (Landmark.LEFT_EAR, Landmark.RIGHT_EAR),
    "shoulder": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    "elbow": (Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW),
    "wrist": (Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST),
    "hip": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    "knee": (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    "ankle": (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
    "heel": (Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL),
    "foot_index": (Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX),
}


def sided(joint: str, side: Side) -> Landmark:
    """Return the landmark of ``joint`` (e.g. ``"knee"``) on ``side``.

    Raises
    ------
    KeyError
        If ``joint`` is not a sided joint name.
    """
    return _SIDED[joint][int(side)]


SIDED_JOINTS: tuple[str, ...] = tuple(_SIDED)

# Landmark indices swapped by a left/right mirror (used to undo BlazePose's side swaps).
def _mirror_name(name: str) -> str:
    swapped = name.replace("LEFT", "TMP").replace("RIGHT", "LEFT").replace("TMP", "RIGHT")
    return swapped  # LEFT_HIP <-> RIGHT_HIP and MOUTH_LEFT <-> MOUTH_RIGHT alike


MIRROR_INDEX: tuple[int, ...] = tuple(Landmark[_mirror_name(m.name)] for m in Landmark)
