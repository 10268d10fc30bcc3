"""API schemas: what the JSON API under ``/api/`` accepts and returns.

These are kept apart from the database records in :mod:`spinecoach.session.records`;
:mod:`spinecoach.web.views` converts records into these shapes, so a change in storage never
silently changes the public API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.session.analysis_report import AnalysisReport
from spinecoach.session.records import MAX_NOTE_CHARS
from spinecoach.session.workout import MAX_HOLD_S

LegExtent = Literal["none", "back", "buttock", "thigh", "below_knee", "foot"]
CheckInWhen = Literal["baseline", "before", "during", "after"]
SetMode = Literal["camera", "manual", "timer"]
AnswerValue = bool | int | float | str
MAX_ID = 2**53 - 1  # ids up to here are exact in JSON numbers (and far below 2**63)
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="a stored record's id")]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    """A request body: unknown fields are refused, and NaN or infinity is no number."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Health(_Out):
    """Liveness: the server answers and knows which features are ready."""

    status: Literal["ok"] = "ok"
    version: str
    speech: bool = Field(description="True when server-side speech (espeak-ng) is available")


class Question(_Out):
    """One screening question."""

    id: str
    text: str
    kind: str = Field(description="answer kind: 'yes_no', 'number' or 'choice'")
    category: str
    min: float | None = None
    max: float | None = None
    choices: dict[str, str] | None = None


class ScreeningIn(_In):
    """Answers to the screening questionnaire, keyed by question id."""

    answers: dict[str, AnswerValue]
    full: bool = Field(True, description="True for the full questionnaire, False for a re-check")


class ScreeningOut(_Out):
    """The outcome of a screening."""

    outcome: Literal["ok", "urgent_review", "same_day", "emergency"]
    may_exercise: bool
    reasons: list[str]
    advice: str
    taken_at: str


class Status(_Out):
    """Where the user stands: screened or not, and whether exercise is allowed today."""

    screened: bool
    baseline_done: bool
    may_exercise: bool
    needs_recheck: bool = Field(False, description="today's quick safety check is still due")
    outcome: str | None = None
    advice: str | None = None
    reasons: list[str] = []


class CheckInIn(_In):
    """A symptom check-in (before or after a session, or the baseline)."""

    when: CheckInWhen
    session_id: Id | None = None
    exercise_id: str | None = Field(None, description="the exercise, for a 'during' check-in")
    back_pain: int = Field(ge=0, le=10)
    leg_pain: int = Field(ge=0, le=10)
    leg_extent: LegExtent = "none"
    numbness: bool = False
    tingling: bool = False
    weakness: bool = False


class CheckInOut(_Out):
    """A stored check-in and what it means."""

    id: int
    when: CheckInWhen
    stop: bool = Field(description="True when a stop rule fired: no more exercise today")
    change: str | None = Field(None, description="centralising, peripheralising, stable, ...")
    messages: list[str] = []
    light: Literal["green", "amber", "red"] | None = Field(
        None, description="the pain traffic light of the worse of back and leg pain")
    back_pain: int | None = Field(None, description="the back pain given (0-10)")
    leg_pain: int | None = Field(None, description="the leg pain given (0-10)")


class ExerciseInfo(_Out):
    """Everything the pages show about one exercise."""

    id: str
    name: str
    summary: str
    purpose: str
    muscles: list[str]
    steps: list[str]
    stop_rule: str
    why_it_helps: str
    self_check: str
    camera: str
    picture_url: str
    per_side: bool = False
    kind: str = Field(description="the kind of movement: heel_tap, bridge, plank, ball_squat")


class TodayItem(_Out):
    """One exercise of today's plan as the API shows it (built from ``services.PlanItem``)."""

    exercise: ExerciseInfo
    sets: int
    reps: int | None = Field(None, description="reps per set (per side for hip hinges)")
    hold_s: float | None = Field(None, description="seconds to hold each rep or the plank")
    rest_s: float
    reason: str | None = Field(None, description="one sentence on why the dose is what it is")
    stopped_today: str | None = Field(None, description="why this exercise is stopped today")


class Today(_Out):
    """Today's session plan."""

    date: str
    may_exercise: bool
    needs_recheck: bool = False
    block_message: str | None = None
    message: str | None = None
    items: list[TodayItem]


class SessionOut(_Out):
    """A started session."""

    id: int
    started_at: str


class SetIn(_In):
    """Start a set of one exercise within a session."""

    exercise_id: str
    mode: SetMode = "camera"


class ManualSetIn(_In):
    """A set entered by hand (no-camera mode)."""

    exercise_id: str
    reps: int = Field(ge=0, le=200, description="reps done (per side for hip hinges)")
    hold_s: list[Annotated[float, Field(ge=0, le=MAX_HOLD_S)]] = Field(
        default_factory=list, max_length=200, description="seconds of each hold")
    pain: int | None = Field(None, ge=0, le=10, description="pain during the set, 0-10")
    note: str | None = Field(None, max_length=MAX_NOTE_CHARS,
                             description="the user's own words about the set, kept with it")


class StopOut(_Out):
    """A stop rule that ended a set."""

    code: StopCode
    at_s: float | None = Field(None, description="seconds into the set (a tracker's stop)")
    message: str


class SetOut(_Out):
    """A set as stored."""

    id: int
    exercise_id: str
    mode: str
    reps: int
    reps_by_side: dict[str, int] = {}
    holds_s: list[float] = []
    faults: list[FaultCode] = []
    stopped: StopOut | None = None
    pain: int | None = None
    note: str | None = Field(None, description="the note typed with a set done by hand")
    exercise_name: str | None = Field(None, description="the exercise's name, for display")
    label: str | None = Field(None, description="e.g. 'Bridges, set 2 of 3' (sets of that day)")


class ExerciseProgressOut(_Out):
    """One exercise on one day: sets done against sets planned."""

    exercise_id: str
    name: str
    sets_planned: int
    sets_done: int


class DayProgressOut(_Out):
    """Exercises and sets done on one day (every session of it) against that day's plan."""

    date: str
    exercises: list[ExerciseProgressOut]
    exercises_planned: int
    exercises_done: int
    sets_planned: int
    sets_done: int
    skipped: list[str] = Field(description="names of the planned exercises not done")
    text: str = Field(description="the same in one plain sentence")


class SessionSummary(_Out):
    """A finished (or in-progress) session with its sets and check-ins."""

    id: int
    started_at: str
    finished_at: str | None
    sets: list[SetOut]
    before: CheckInOut | None = None
    after: CheckInOut | None = None
    messages: list[str] = []
    day: DayProgressOut | None = Field(None, description="what was done that day, all sessions")


class TrendPoint(_Out):
    """One point of a time series."""

    date: str
    value: float


class History(_Out):
    """What the history page charts: the period ``start`` .. ``end`` and a page of sessions."""

    sessions: list[SessionSummary] = Field(
        description="one page of sessions (the newest by default), oldest first")
    sessions_total: int = Field(description="how many sessions are stored in all")
    start: str
    end: str
    back_pain: list[TrendPoint]
    leg_pain: list[TrendPoint]
    per_exercise: dict[str, list[TrendPoint]]
    adherence: dict[str, int] = Field(description="sessions done per ISO date")
    notes: list[str] = Field(default_factory=list, description="plain sentences on progress")


class TargetBand(_Out):
    """Where the key measure should be (degrees); ``low`` or ``high`` None = open-ended."""

    low: float | None = None
    high: float | None = None
    label: str


class AnalysisJob(_Out):
    """An uploaded video being analysed."""

    id: str
    exercise_id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0.0, le=1.0)
    error: str | None = None
    result: AnalysisReport | None = None
    key_angle: str | None = Field(None, description="the measure to plot over time")
    target_band: TargetBand | None = Field(None, description="where that measure belongs")
    file_name: str | None = Field(None, description="the uploaded file's own name")
    saved_session_id: int | None = Field(None, description="set once saved to the history")
    video_url: str | None = Field(None, description="the annotated H.264 copy, while kept")


class SaveAnalysisIn(_In):
    """When the video was filmed: its sets count toward that day (default: today)."""

    done_on: date | None = Field(None, description="the day it was filmed (default: today)")


class SavedAnalysis(_Out):
    """A recorded-video analysis saved to the history as a video-mode session."""

    session_id: int
    job_id: str


class ProfileIn(_In):
    """The profile: your name for the report, and who the report is for (both optional)."""

    display_name: str = Field(min_length=1, max_length=100,
                              description="the name your physiotherapist knows you by")
    clinician_name: str | None = Field(None, max_length=200)
    clinician_email: str | None = Field(None, max_length=254)
    units: Literal["metric"] = "metric"
    language: Literal["en"] = "en"


class ProfileOut(_Out):
    """The saved profile (empty fields before the first save)."""

    display_name: str | None = None
    clinician_name: str | None = None
    clinician_email: str | None = None
    units: str = "metric"
    language: str = "en"
    saved_at: str | None = None


class PatientOut(_Out):
    """A patient a clinician may read (their record: ``?patient=ID`` on the read endpoints)."""

    id: int
    name: str


class Me(_Out):
    """The signed-in account."""

    id: int
    name: str
    role: Literal["patient", "clinician"]
    patients: list[PatientOut] = Field(
        description="for a clinician: the linked patients; for a patient: empty")


class ErrorOut(_Out):
    """An error, in words the user can act on."""

    detail: str
