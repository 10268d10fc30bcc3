"""What spinecoach stores: the long-lived records behind the :class:`Repository` port.

These frozen dataclasses are the persistence contract between the core and ``storage``.
Conventions that every adapter keeps:

- ``id`` is ``None`` before insert; ``add_*`` / ``start_*`` return a copy with the new id.
- Every ``datetime`` is timezone-aware UTC; adapters must hand back aware UTC values
  (SQLite forgets the zone: normalise on read).
- Times inside a set (``start_s``, ``peak_s``...) are seconds from the start of the
  recording / live stream that produced the set, as the trackers report them.
- Enum fields are ``StrEnum`` values: store the ``.value`` string.
- ``dict`` fields (answers, metrics) are JSON objects; a record holding one is frozen but
  not hashable.
- Construction is keyword-only, so adding a field with a default never breaks a caller.

::

    User ─┬─ WebSession*, SignInLink*  signed-in browsers, one-time sign-in links
          ├─ linked clinicians / patients (a clinician reads linked patients' records)
          ├─ ScreeningRecord*          red-flag screenings (full or per-session re-check)
          ├─ CheckIn*                  symptoms before / during / after a session
          ├─ Prescription* (history)   dose per exercise, valid from a date
          ├─ ProgrammeChange*          why a dose changed (progression, flare, override)
          ├─ StopEventRecord*          every stop (tracker or symptom rule)
          └─ SessionRecord* ─┬─ SetRecord* ─┬─ RepetitionRecord*
                             │              └─ HoldRecord*
                             └─ VideoAnalysis?    where a video-mode session came from
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from spinecoach.domain.checkin import CheckInWhen, SymptomLocation, SymptomReport
from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.domain.dose import Dose
from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.domain.safety.screening import AnswerValue

MAX_NOTE_CHARS = 500


class ScreeningKind(StrEnum):
    """The full questionnaire (first use, after a block) or the short per-session re-check."""

    FULL = "full"
    RECHECK = "recheck"


class PrescriptionSource(StrEnum):
    """Where a dose came from."""

    DEFAULT = "default"
    PROGRESSION = "progression"
    OVERRIDE = "override"


class SessionMode(StrEnum):
    """How a session is followed."""

    CAMERA = "camera"
    NO_CAMERA = "no_camera"
    VIDEO = "video"


class SetMode(StrEnum):
    """How a set was followed: counted by a tracker (camera, video) or typed in by hand."""

    CAMERA = "camera"
    MANUAL = "manual"
    VIDEO = "video"


class SessionStatus(StrEnum):
    """Life cycle of a session."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    STOPPED = "stopped"
    ABANDONED = "abandoned"


class Role(StrEnum):
    """What an account may see: a patient their own record, a clinician their patients'."""

    PATIENT = "patient"
    CLINICIAN = "clinician"


@dataclass(frozen=True, kw_only=True)
class User:
    """A person using spinecoach: an account (its password hash is kept apart, never here)."""

    name: str
    created_at: datetime
    role: Role = Role.PATIENT
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class WebSession:
    """A signed-in browser: the cookie's token is stored only as its SHA-256 ``token_hash``.

    ``csrf_token`` is sent back by the pages in a header on every change.
    """

    user_id: int
    token_hash: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SignInLink:
    """A one-time sign-in link (``token_hash`` of its token): used once, before it expires."""

    user_id: int
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Profile:
    """How the user wants to be named, and who the clinician report is for.

    Each save is a new record (the newest is the profile; earlier ones stay as history, like
    prescriptions).  ``units`` and ``language`` are hooks: only ``metric`` and ``en`` exist.
    """

    user_id: int
    display_name: str
    saved_at: datetime
    clinician_name: str | None = None
    clinician_email: str | None = None
    units: str = "metric"
    language: str = "en"
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScreeningRecord:
    """One red-flag screening and its outcome.

    Attributes
    ----------
    outcome
        The most urgent outcome that any positive answer triggered.
    reasons
        One plain sentence per positive answer, most urgent first.
    flags
        Ids of the questions whose answers were positive (the machine-readable reasons).
    answers
        Every answer given, by question id (bool / number / choice string).
    questionnaire_version
        Version of the questionnaire file the answers refer to.
    """

    user_id: int
    taken_at: datetime
    kind: ScreeningKind
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    questionnaire_version: str = ""
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CheckIn:
    """Symptoms at one moment; pains are 0-10 integers.

    ``exercise_id`` is set for a ``during`` check-in (pain during that exercise).
    """

    user_id: int
    taken_at: datetime
    when: CheckInWhen
    back_pain: int
    leg_pain: int
    furthest_symptom: SymptomLocation
    numbness: bool
    tingling: bool
    weakness: bool
    note: str = ""
    session_id: int | None = None
    exercise_id: str | None = None
    id: int | None = None

    @property
    def worst_pain(self) -> int:
        """The higher of back and leg pain."""
        return max(self.back_pain, self.leg_pain)

    @property
    def symptoms(self) -> SymptomReport:
        """The symptom values alone, for the pure rules."""
        return SymptomReport(
            back_pain=self.back_pain,
            leg_pain=self.leg_pain,
            furthest_symptom=self.furthest_symptom,
            numbness=self.numbness,
            tingling=self.tingling,
            weakness=self.weakness,
        )


@dataclass(frozen=True, kw_only=True)
class Prescription:
    """The dose of one exercise for one user from ``valid_from`` until the next one.

    ``reps`` counts per side for ``hip-hinge``; ``overridden_by`` names who set an override
    (e.g. ``"clinician: J. Smith"`` or ``"user"``).
    """

    user_id: int
    exercise_id: str
    sets: int
    reps: int | None
    hold_s: float | None
    rest_s: float
    valid_from: date
    reason: str
    source: PrescriptionSource
    overridden_by: str | None = None
    id: int | None = None

    @property
    def dose(self) -> Dose:
        """The dose as a value object."""
        return Dose(sets=self.sets, reps=self.reps, hold_s=self.hold_s, rest_s=self.rest_s)


@dataclass(frozen=True, kw_only=True)
class ProgrammeChange:
    """A change of dose and its one-sentence reason (shown to the user).

    ``old_dose`` is None for the first prescription of an exercise.  Adapters may store a
    dose as four columns (``sets``, ``reps``, ``hold_s``, ``rest_s``) per side of the change.
    """

    user_id: int
    exercise_id: str
    at: datetime
    old_dose: Dose | None
    new_dose: Dose
    reason: str
    source: PrescriptionSource
    overridden_by: str | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SessionRecord:
    """One exercise session."""

    user_id: int
    started_at: datetime
    mode: SessionMode
    status: SessionStatus = SessionStatus.IN_PROGRESS
    ended_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetRecord:
    """One set of one exercise within a session.

    ``target_*`` is the dose asked for (reps per side for ``hip-hinge``); ``reps_done`` (per
    side for ``hip-hinge``), ``hold_done_s`` and ``pain_during`` are filled when the set
    ends (typed by the user in no-camera mode, counted by the tracker otherwise), with the
    user's ``note`` (up to :data:`MAX_NOTE_CHARS` characters) for a set typed in.
    ``stop_code`` is set when a stop rule ended the set; ``mode`` says whether a tracker
    counted the set or the user typed it in.  ``alive_at`` is the last time the server
    coaching a live set said it is still under way (its lease, renewed while the socket is
    open); a set whose lease has run out was left by a server that stopped or crashed.
    """

    session_id: int
    exercise_id: str
    index: int
    started_at: datetime
    target_reps: int | None
    target_hold_s: float | None
    mode: SetMode = SetMode.CAMERA
    ended_at: datetime | None = None
    reps_done: int | None = None
    hold_done_s: float | None = None
    pain_during: int | None = None
    stop_code: StopCode | None = None
    note: str | None = None
    alive_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class RepetitionRecord:
    """One completed repetition, written as it happens.

    ``metrics`` holds named numbers, e.g. ``knee_deg_at_peak``, ``depth_deg``,
    ``hold_quality`` (0..1), ``duration_s``.
    """

    set_id: int
    index: int
    side: str | None
    start_s: float
    peak_s: float
    end_s: float
    hold_s: float
    good_form: bool
    faults: tuple[FaultCode, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    id: int | None = None

    @property
    def duration_s(self) -> float:
        """Time from start to end of the repetition."""
        return self.end_s - self.start_s


@dataclass(frozen=True, kw_only=True)
class HoldRecord:
    """One interval held in good form (plank, bridge top, squat bottom)."""

    set_id: int
    start_s: float
    end_s: float
    good_form_s: float
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class StopEventRecord:
    """A stop: a tracker rule (``lumbar_arch``) or a symptom rule (see :class:`StopCode`).

    A stop with an ``exercise_id`` stops that exercise for the rest of that day (local date).
    ``at_s`` is when a tracker's stop fired, in seconds from the start of its set's stream.
    """

    user_id: int
    at: datetime
    code: StopCode
    message: str
    session_id: int | None = None
    set_id: int | None = None
    exercise_id: str | None = None
    at_s: float | None = None
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class VideoAnalysis:
    """Where a video-mode session came from: the file and the analysis summary (no video)."""

    session_id: int
    exercise_id: str
    source_path: str
    fps: float | None
    frames: int | None
    duration_s: float | None
    summary: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
