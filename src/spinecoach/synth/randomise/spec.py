"""The parameters of one randomised clip: a frozen, JSON-ready tree of dataclasses.

:class:`RandomSpec` holds every sampled value; rendering is a pure function of it, so the spec
written into a clip's truth (``"random"``) reproduces the clip (:meth:`RandomSpec.from_dict`).
Angles are in degrees and mean what :mod:`spinecoach.synth.truth` measures; times are seconds;
colours are linear RGB in 0..1; lengths are metres.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar, Union

from spinecoach.synth.body import BodyShape
from spinecoach.synth.figure import Look

Color = tuple[float, float, float]
GENERATOR = "spinecoach.synth.randomise/1"


@dataclass(frozen=True)
class BodySpec:
    """Stature, per-segment proportions (1 = Winter's table), girth and head size."""

    stature_m: float
    torso: float
    thigh: float
    shank: float
    upper_arm: float
    forearm: float
    hand: float
    foot: float
    neck: float
    girth: float
    head: float

    def shape(self) -> BodyShape:
        """Return the :class:`BodyShape` of this body."""
        props = {
            k: getattr(self, k)
            for k in ("torso", "thigh", "shank", "upper_arm", "forearm", "hand", "foot", "neck")
        }
        return BodyShape.from_proportions(self.stature_m, props, self.girth, self.head)


@dataclass(frozen=True)
class LookSpec:
    """Skin, hair and clothes; ``contrast`` says how the clothes were chosen against the room."""

    skin: Color
    hair: Color
    top: Color
    bottom: Color
    sleeves: str
    legs: str
    feet: str
    footwear: Color
    ball: Color
    contrast: str

    def look(self) -> Look:
        """Return the :class:`~spinecoach.synth.figure.Look` of this appearance."""
        dark = (self.skin[0] * 0.88, self.skin[1] * 0.83, self.skin[2] * 0.82)
        lips = (self.skin[0] * 0.75, self.skin[1] * 0.48, self.skin[2] * 0.55)
        return Look(
            skin=self.skin,
            skin_dark=dark,
            top=self.top,
            bottom=self.bottom,
            hair=self.hair,
            lips=lips,
            ball=self.ball,
            sleeves=self.sleeves,
            legs=self.legs,
            feet=self.feet,
            footwear=self.footwear,
        )


@dataclass(frozen=True)
class BoxSpec:
    """An axis-aligned box standing on the floor: furniture or an occluding object.

    ``x_m``/``z_m`` place the centre of its footprint relative to the person's centre.
    """

    kind: str
    x_m: float
    z_m: float
    width_m: float
    depth_m: float
    height_m: float
    color: Color


@dataclass(frozen=True)
class WallItemSpec:
    """A rectangle on the back wall (window, door, picture): centre and size, metres."""

    kind: str
    x_m: float
    y_m: float
    width_m: float
    height_m: float
    color: Color


@dataclass(frozen=True)
class RoomSpec:
    """Walls, floor, mat, furniture.

    ``back_wall_m`` is the back wall's distance behind the person's mid-plane; a side wall
    (always there for the ball squat, whose ball leans on it) stands ``side_wall_gap_m``
    beyond the head or feet end on side ``side_wall_side`` (-1 left, +1 right).
    """

    wall: Color
    wall_texture: str
    skirting: Color
    floor: str
    floor_color: Color
    floor_color2: Color
    floor_scale_m: float
    mat: bool
    mat_color: Color
    side_wall: bool
    side_wall_color: Color
    side_wall_side: float
    side_wall_gap_m: float
    back_wall_m: float
    furniture: tuple[BoxSpec, ...]
    wall_items: tuple[WallItemSpec, ...]


@dataclass(frozen=True)
class LightSpec:
    """Key light direction (in the picture), ambient share, intensity, colour, exposure.

    ``azimuth_deg`` is where the key light comes from (0 = from above, + = from the right),
    ``frontal`` its component toward the camera; ``falloff`` darkens the room across the
    picture (a window on one side); ``exposure_ev`` over- or under-exposes everything.
    """

    azimuth_deg: float
    frontal: float
    ambient: float
    intensity: float
    color_k: float
    exposure_ev: float
    falloff: float


@dataclass(frozen=True)
class CameraSpec:
    """Framing, camera pose and the video format.

    ``fill`` is the share of the frame's limiting side the person spans; ``offset_x``/``y``
    place the person in the free space left over (-1 = at the left/top edge, 1 = right/bottom);
    ``height_frac`` places the camera between the lowest and highest height allowed for the
    exercise at that distance (the tilt then follows from aiming at the person).
    """

    portrait: bool
    width: int
    height: int
    fps: float
    fov_deg: float
    fill: float
    offset_x: float
    offset_y: float
    height_frac: float
    yaw_deg: float
    roll_deg: float
    crf: int
    noise_sigma: float
    blur_sigma: float


@dataclass(frozen=True)
class PoseFaultSpec:
    """A pose fault inside a hold: ramps in at ``at_s`` after the plateau starts.

    ``value`` is the faulty body line in degrees (plank sag +, pike -), the arch as a share
    of the full one (hip-hinge lumbar arch) and unused for the knees down.
    """

    code: str
    at_s: float
    ramp_s: float
    dur_s: float
    value: float


@dataclass(frozen=True)
class RepSpec:
    """One repetition (for the plank: one attempt) and how it is performed.

    ``target_deg`` is the rep's target: the bridge's top hip extension, the squat's bottom
    thigh elevation, the heel tap's knee angle at the touch, the plank's body line.
    ``in_s``/``hold_s``/``out_s`` are the ramp in, the plateau and the ramp out; ``rest_s``
    the pause after.  ``fault`` is the rep-level fault it carries; ``pose_faults`` the pose
    faults inside its plateau (plank sag/pike/knees down, the hip hinge's lumbar arch).
    """

    target_deg: float
    in_s: float
    hold_s: float
    out_s: float
    rest_s: float
    side: str | None = None
    fault: str | None = None
    pose_faults: tuple[PoseFaultSpec, ...] = ()


@dataclass(frozen=True)
class MovementSpec:
    """How the person moves: set-up, stance, reps, sway.

    ``setup`` is ``"in_position"`` (the clip starts in the start pose) or
    ``"get_into_position"`` (first ``setup_s`` of bending the legs up from lying straight, or
    of walking back to the ball; the plank instead starts lying on the front and rises in its
    first ``in_s``).  Stance fields are set for their exercise only.  ``sway_deg`` is the
    amplitude of the slow wobble (breathing) of the exercise's key angle while it is held;
    ``walk_out_before`` (ball squat,
    ``out_of_frame``) is the rep index before which the person walks out of the picture,
    ``walk_out_m`` beyond the point where they have left it, and stays away ``walk_out_s``.
    """

    setup: str
    setup_s: float
    lead_s: float
    tail_s: float
    sway_deg: float
    sway_hz: float
    sway_phase: float
    reps: tuple[RepSpec, ...]
    tabletop_hip_deg: float | None = None
    tabletop_knee_deg: float | None = None
    bridge_knee_deg: float | None = None
    stand_thigh_deg: float | None = None
    stand_knee_deg: float | None = None
    trunk_deg: float | None = None
    ball_radius_m: float | None = None
    walk_out_before: int | None = None
    walk_out_m: float = 0.0
    walk_out_s: float = 0.0


@dataclass(frozen=True)
class OcclusionSpec:
    """An object pushed in front of part of the person (``target``) for a while.

    It stands on the floor on the line of sight from the camera to the target, at
    ``sight_frac`` of the way; seen from the camera it covers ``width_m`` across and reaches
    ``cover_m`` above the target *at the person's distance* (the object itself is smaller by
    ``sight_frac``).  It slides in over ``slide_s`` at ``start_s`` and out at ``end_s``, from
    the end of the body it covers (``from_side``, -1 left or +1 right, when the target is near
    the middle of the body).
    """

    target: str
    start_s: float
    end_s: float
    slide_s: float
    from_side: float
    sight_frac: float
    kind: str
    width_m: float
    depth_m: float
    cover_m: float
    color: Color


@dataclass(frozen=True)
class CutSpec:
    """An edit: from ``at_s`` the picture is framed again (another fill and offset)."""

    at_s: float
    fill: float
    offset_x: float
    offset_y: float


@dataclass(frozen=True)
class ZoomSpec:
    """A slow digital zoom from ``start_factor`` to ``end_factor`` between the two times."""

    start_s: float
    end_s: float
    start_factor: float
    end_factor: float


@dataclass(frozen=True)
class PasserSpec:
    """A second person walking past behind the exercising one."""

    start_s: float
    speed_mps: float
    direction: float
    z_m: float
    body: BodySpec
    look: LookSpec


@dataclass(frozen=True)
class DisturbanceSpec:
    """Disturbances; each is present in a minority of clips."""

    occlusion: OcclusionSpec | None = None
    cut: CutSpec | None = None
    zoom: ZoomSpec | None = None
    passer: PasserSpec | None = None


@dataclass(frozen=True)
class RandomSpec:
    """Every parameter of one randomised clip."""

    seed: int
    generator: str
    exercise: str
    scenario: str
    facing: str
    body: BodySpec
    look: LookSpec
    room: RoomSpec
    light: LightSpec
    camera: CameraSpec
    movement: MovementSpec
    disturbances: DisturbanceSpec

    def to_dict(self) -> dict[str, Any]:
        """Return the spec as plain JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RandomSpec:
        """Rebuild a spec from :meth:`to_dict` output (e.g. read back from a truth file)."""
        spec: RandomSpec = _decode(cls, data)
        return spec


T = TypeVar("T")


def _decode(kind: Any, value: Any) -> Any:
    """Turn JSON data back into the typed value ``kind`` (dataclasses, tuples, optionals)."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        fields = {f.name: _decode(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)}
        return kind(**fields)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return None if value is None else _decode(options[0], value)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if kind is float:
        return float(value)
    return value
