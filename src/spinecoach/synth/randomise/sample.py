"""Drawing bodies, looks, rooms, light, cameras and disturbances (see ``random_spec``).

Ranges (each uniform unless said otherwise):

- body: stature 1.50..1.95 m; each segment 0.90..1.10 of Winter's proportion, independently;
  girth 0.72..1.30 (slim to heavy); head 0.92..1.08;
- look: skin along a light-to-very-dark tone line; clothes in any colour, 25 % close to the
  floor or wall colour (low contrast), 15 % dark clothes on a dark floor; short or long
  sleeves, trousers or shorts, bare feet, socks or shoes;
- room: painted walls (10 % dark), wood, laminate, carpet, tiles or plain floors; a mat in
  80 % of floor exercises; a side wall (always for the ball squat); 0..3 pieces of furniture
  and 0..3 windows, doors or pictures; back wall 1.0..2.8 m behind the person;
- light: key light from -70..+70 deg about "from above", ambient 0.25..0.55, intensity
  0.85..1.15, 2700..6500 K, exposure N(0, 0.3) EV within +-0.7, a falloff across the room;
- camera: portrait 27 %; 480p..1080p (720p 20 %, 1080p 6 %); 24/25/30/60 fps (60 fps 8 %,
  never with 1080p); field of view 55..78 deg across the long side (wider, up to 90, where
  the framing would need more than 5 m); the person fills 0.35..0.90 of the limiting side,
  mid-frame (60 %) or near an edge; camera height within what the exercise allows at that
  distance (floor..1 m, squat 0.6..1.3 m; the tilt follows from aiming, at most ~14 deg);
  yaw off side-on 0..10 deg (75 %) or 10..20 deg; roll N(0, 2.5) within +-6 deg; CRF
  18..34; noise sigma 0..6; blur (35 %) sigma 0.4..1.2 px;
- disturbances: occlusion 15 %, camera cut 12 %, slow zoom 12 %, a passer-by 12 %.
"""

from __future__ import annotations

from dataclasses import replace

from spinecoach.synth.randomise.draw import Color, Draw
from spinecoach.synth.randomise.spec import (
    BodySpec,
    BoxSpec,
    CameraSpec,
    CutSpec,
    DisturbanceSpec,
    LightSpec,
    LookSpec,
    OcclusionSpec,
    PasserSpec,
    RoomSpec,
    WallItemSpec,
    ZoomSpec,
)

SKIN_TONES: tuple[Color, ...] = (
    (0.96, 0.83, 0.74),
    (0.90, 0.72, 0.60),
    (0.80, 0.60, 0.46),
    (0.70, 0.52, 0.37),
    (0.55, 0.37, 0.25),
    (0.40, 0.26, 0.17),
    (0.27, 0.18, 0.12),
)
HAIR: tuple[Color, ...] = (
    (0.06, 0.05, 0.05),
    (0.17, 0.11, 0.07),
    (0.35, 0.22, 0.12),
    (0.75, 0.62, 0.40),
    (0.55, 0.25, 0.12),
    (0.62, 0.62, 0.60),
)
FLOORS = ("wood", "laminate", "carpet", "tiles", "plain")
LANDSCAPE = ((640, 480), (854, 480), (960, 540), (1280, 720), (1920, 1080))
SIZE_WEIGHTS = (0.30, 0.28, 0.16, 0.20, 0.06)
FPS = (24.0, 25.0, 30.0, 60.0)
FPS_WEIGHTS = (0.17, 0.18, 0.57, 0.08)
OCCLUSION_TARGETS = {
    "hip-hinge": ("feet", "knees"),
    "bridge": ("feet", "knees", "hands"),
    "plank": ("feet", "knees", "hands"),
    "ball-squat": ("feet", "knees"),
}


def sample_body(d: Draw) -> BodySpec:
    """A body: stature, independent segment proportions, girth and head size."""
    return BodySpec(
        stature_m=d.uniform(1.50, 1.95),
        torso=d.uniform(0.9, 1.1),
        thigh=d.uniform(0.9, 1.1),
        shank=d.uniform(0.9, 1.1),
        upper_arm=d.uniform(0.9, 1.1),
        forearm=d.uniform(0.9, 1.1),
        hand=d.uniform(0.9, 1.1),
        foot=d.uniform(0.9, 1.1),
        neck=d.uniform(0.9, 1.1),
        girth=d.uniform(0.72, 1.30),
        head=d.uniform(0.92, 1.08),
    )


def _skin(d: Draw) -> Color:
    x = d.uniform(0.0, len(SKIN_TONES) - 1.0, 4)
    i = min(int(x), len(SKIN_TONES) - 2)
    w = x - i
    a, b = SKIN_TONES[i], SKIN_TONES[i + 1]
    tone = tuple(a[k] + w * (b[k] - a[k]) for k in range(3))
    return d.near((tone[0], tone[1], tone[2]), 0.02)


def _floor_color(d: Draw, kind: str) -> tuple[Color, Color]:
    if kind in ("wood", "laminate"):
        base = d.hsv((0.05, 0.11), (0.25, 0.65), (0.25, 0.85) if kind == "wood" else (0.5, 0.9))
    elif kind == "carpet":
        base = d.hsv((0.0, 1.0), (0.05, 0.45), (0.2, 0.75))
    elif kind == "tiles":
        base = d.hsv((0.0, 1.0), (0.0, 0.2), (0.3, 0.92))
    else:
        base = d.hsv((0.0, 1.0), (0.0, 0.15), (0.35, 0.8))
    return base, d.near(base, 0.08)


def sample_room(d: Draw, exercise: str) -> RoomSpec:
    """A room: wall and floor colours and textures, mat, side wall, furniture, wall items."""
    dark_wall = d.chance(0.1)
    wall = d.hsv((0.0, 1.0), (0.02, 0.35), (0.3, 0.55) if dark_wall else (0.55, 0.95))
    floor = d.choice(FLOORS, (0.35, 0.15, 0.2, 0.2, 0.1))
    floor_a, floor_b = _floor_color(d, floor)
    floor_exercise = exercise != "ball-squat"
    mat = d.chance(0.8 if floor_exercise else 0.05)
    back = d.uniform(1.0, 2.8)
    furniture = []
    for _ in range(d.choice((0, 1, 2, 3), (0.3, 0.35, 0.25, 0.1))):
        kind = d.choice(("sofa", "cabinet", "shelf", "box", "chair", "plant"))
        w, dep, h = {
            "sofa": (d.uniform(1.5, 2.2), d.uniform(0.75, 0.95), d.uniform(0.75, 0.95)),
            "cabinet": (d.uniform(0.5, 1.2), d.uniform(0.35, 0.55), d.uniform(0.7, 1.9)),
            "shelf": (d.uniform(0.6, 1.0), d.uniform(0.25, 0.4), d.uniform(1.0, 2.0)),
            "box": (d.uniform(0.35, 0.7), d.uniform(0.3, 0.6), d.uniform(0.25, 0.6)),
            "chair": (d.uniform(0.42, 0.55), d.uniform(0.42, 0.55), d.uniform(0.8, 1.0)),
            "plant": (d.uniform(0.3, 0.5), d.uniform(0.3, 0.5), d.uniform(0.4, 1.2)),
        }[kind]
        colour = d.hsv((0.0, 1.0), (0.05, 0.6), (0.15, 0.85))
        furniture.append(BoxSpec(kind, d.uniform(-3.2, 3.2), 0.0, w, dep, h, colour))
    items = []
    for _ in range(d.choice((0, 1, 2, 3), (0.3, 0.35, 0.25, 0.1))):
        kind = d.choice(("window", "door", "picture"), (0.35, 0.25, 0.4))
        if kind == "window":
            size, y = (d.uniform(0.8, 1.6), d.uniform(1.0, 1.4)), d.uniform(1.3, 1.6)
            colour = d.hsv((0.52, 0.62), (0.05, 0.3), (0.85, 1.0))
        elif kind == "door":
            size, y = (d.uniform(0.75, 0.92), 2.0), 1.0
            colour = d.hsv((0.0, 1.0), (0.0, 0.5), (0.3, 0.95))
        else:
            size, y = (d.uniform(0.3, 0.9), d.uniform(0.3, 0.7)), d.uniform(1.3, 1.7)
            colour = d.hsv((0.0, 1.0), (0.1, 0.8), (0.2, 0.9))
        items.append(WallItemSpec(kind, d.uniform(-3.0, 3.0), y, size[0], size[1], colour))
    return RoomSpec(
        wall=wall,
        wall_texture=d.choice(("plain", "paper", "stripes"), (0.6, 0.25, 0.15)),
        skirting=d.near((0.93, 0.93, 0.91), 0.1) if d.chance(0.7) else d.near(wall, 0.12),
        floor=floor,
        floor_color=floor_a,
        floor_color2=floor_b,
        floor_scale_m=d.uniform(0.1, 0.2) if floor in ("wood", "laminate") else d.uniform(0.3, 0.6),
        mat=mat,
        mat_color=d.hsv((0.0, 1.0), (0.1, 0.8), (0.12, 0.75)),
        side_wall=not floor_exercise or d.chance(0.3),
        side_wall_color=d.near(wall, 0.06),
        side_wall_side=d.choice((-1.0, 1.0)),
        side_wall_gap_m=d.uniform(0.4, 1.4),
        back_wall_m=back,
        furniture=tuple(furniture),
        wall_items=tuple(items),
    )


def sample_look(d: Draw, room: RoomSpec) -> LookSpec:
    """Skin, hair and clothes, sometimes chosen to blend into the room."""
    contrast = d.choice(("normal", "low", "dark"), (0.6, 0.25, 0.15))
    top = d.hsv((0.0, 1.0), (0.0, 0.85), (0.15, 0.95))
    bottom = d.hsv((0.0, 1.0), (0.0, 0.6), (0.08, 0.7))
    if contrast == "low":
        ref = room.floor_color if d.chance(0.6) else room.wall
        if d.chance(0.5):
            top = d.near(ref, 0.06)
        else:
            bottom = d.near(ref, 0.06)
    elif contrast == "dark":
        top = d.hsv((0.0, 1.0), (0.0, 0.4), (0.04, 0.16))
        bottom = d.hsv((0.0, 1.0), (0.0, 0.4), (0.04, 0.14))
    feet = d.choice(("bare", "socks", "shoes"), (0.5, 0.3, 0.2))
    footwear = d.hsv((0.0, 1.0), (0.0, 0.5), (0.05, 0.95))
    return LookSpec(
        skin=_skin(d),
        hair=d.near(d.choice(HAIR), 0.03),
        top=top,
        bottom=bottom,
        sleeves=d.choice(("short", "long")),
        legs=d.choice(("long", "shorts"), (0.7, 0.3)),
        feet=feet,
        footwear=footwear,
        ball=d.hsv((0.0, 1.0), (0.1, 0.7), (0.3, 0.9)),
        contrast=contrast,
    )


def dark_floor(d: Draw, room: RoomSpec) -> RoomSpec:
    """The room with its floor (and mat) darkened, for dark clothes on a dark floor."""
    k = d.uniform(0.25, 0.5)

    def dim(c: Color) -> Color:
        return (round(c[0] * k, 4), round(c[1] * k, 4), round(c[2] * k, 4))

    return replace(
        room,
        floor_color=dim(room.floor_color),
        floor_color2=dim(room.floor_color2),
        mat_color=dim(room.mat_color),
    )


def sample_light(d: Draw) -> LightSpec:
    """The key light, ambient share, colour temperature and exposure."""
    warm = d.chance(0.5)
    return LightSpec(
        azimuth_deg=d.uniform(-70.0, 70.0, 1),
        frontal=d.uniform(0.35, 0.85),
        ambient=d.uniform(0.25, 0.55),
        intensity=d.uniform(0.85, 1.15),
        color_k=d.uniform(2700.0, 4200.0, 0) if warm else d.uniform(4200.0, 6500.0, 0),
        exposure_ev=d.normal(0.0, 0.3, -0.7, 0.7),
        falloff=d.uniform(0.0, 0.25),
    )


def sample_camera(d: Draw) -> CameraSpec:
    """Framing, camera pose and the video format."""
    portrait = d.chance(0.27)
    w, h = d.choice(LANDSCAPE, SIZE_WEIGHTS)
    fps = d.choice(FPS, FPS_WEIGHTS)
    if fps == 60.0 and h >= 1080:
        fps = 30.0
    if portrait:
        w, h = h, w
    edge = d.chance(0.4)
    offset_x = d.uniform(0.7, 1.0) * d.choice((-1.0, 1.0)) if edge else d.uniform(-0.4, 0.4)
    oblique = d.chance(0.25)
    yaw = (d.uniform(10.0, 20.0, 2) if oblique else d.uniform(0.0, 10.0, 2)) * d.choice((-1.0, 1.0))
    return CameraSpec(
        portrait=portrait,
        width=w,
        height=h,
        fps=fps,
        fov_deg=d.uniform(55.0, 78.0, 2),
        fill=d.uniform(0.35, 0.9),
        offset_x=round(offset_x, 3),
        offset_y=d.uniform(-0.5, 0.5),
        height_frac=d.uniform(0.0, 1.0),
        yaw_deg=round(yaw, 2),
        roll_deg=d.normal(0.0, 2.5, -6.0, 6.0, 2),
        crf=d.integer(18, 34),
        noise_sigma=d.uniform(0.0, 6.0, 2),
        blur_sigma=d.uniform(0.4, 1.2, 2) if d.chance(0.35) else 0.0,
    )


def _occlusion(d: Draw, exercise: str, duration_s: float) -> OcclusionSpec:
    length = min(d.uniform(2.0, 6.0), duration_s * 0.6)
    start = d.uniform(0.1 * duration_s, max(0.1 * duration_s, duration_s - length - 0.5))
    kind = d.choice(("box", "basket", "bag", "bin", "stool"))
    return OcclusionSpec(
        target=d.choice(OCCLUSION_TARGETS[exercise]),
        start_s=start,
        end_s=round(start + length, 3),
        slide_s=d.uniform(0.3, 0.8),
        from_side=d.choice((-1.0, 1.0)),
        sight_frac=d.uniform(0.5, 0.85),
        kind=kind,
        width_m=d.uniform(0.3, 0.7),
        depth_m=d.uniform(0.15, 0.4),
        cover_m=d.uniform(0.04, 0.18),
        color=d.hsv((0.0, 1.0), (0.05, 0.7), (0.15, 0.9)),
    )


def _cut(d: Draw, cam: CameraSpec, duration_s: float) -> CutSpec:
    fill = d.uniform(0.35, 0.9)
    if abs(fill - cam.fill) < 0.12:
        fill = round(cam.fill + 0.2 if cam.fill < 0.6 else cam.fill - 0.2, 3)
    return CutSpec(
        at_s=d.uniform(0.3 * duration_s, 0.7 * duration_s),
        fill=fill,
        offset_x=d.uniform(-0.8, 0.8),
        offset_y=d.uniform(-0.5, 0.5),
    )


def _zoom(d: Draw, duration_s: float) -> ZoomSpec:
    length = min(d.uniform(2.0, 5.0), 0.5 * duration_s)
    start = d.uniform(0.1 * duration_s, max(0.1 * duration_s, duration_s - length - 0.5))
    factor = d.uniform(1.15, 1.5)
    zoom_in = d.chance(0.5)
    return ZoomSpec(
        start_s=start,
        end_s=round(start + length, 3),
        start_factor=1.0 if zoom_in else factor,
        end_factor=factor if zoom_in else 1.0,
    )


def sample_disturbances(
    d: Draw, passer: Draw, exercise: str, cam: CameraSpec, room: RoomSpec, duration_s: float
) -> DisturbanceSpec:
    """Occlusion, camera cut, slow zoom and a passer-by, each in a minority of clips."""
    occlusion = _occlusion(d, exercise, duration_s) if d.chance(0.15) else None
    cut = _cut(d, cam, duration_s) if d.chance(0.12) else None
    zoom = _zoom(d, duration_s) if d.chance(0.12) else None
    if zoom is not None and cut is not None and zoom.start_s <= cut.at_s <= zoom.end_s:
        zoom = None
    walker = None
    if d.chance(0.12):
        behind = max(0.55, room.back_wall_m * d.uniform(0.45, 0.8))
        walker = PasserSpec(
            start_s=d.uniform(0.0, 0.7 * duration_s),
            speed_mps=d.uniform(0.9, 1.5),
            direction=d.choice((-1.0, 1.0)),
            z_m=round(-min(behind, room.back_wall_m - 0.3), 3),
            body=sample_body(passer),
            look=sample_look(passer, room),
        )
    return DisturbanceSpec(occlusion=occlusion, cut=cut, zoom=zoom, passer=walker)
