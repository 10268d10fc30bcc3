"""Convert between table rows (:mod:`.tables`) and records (:mod:`spinecoach.session.records`).

One pair of functions per record: ``*_row`` builds a new row from a record (its ``id`` is left
to the database) and ``*_record`` reads a row back into a frozen record.
"""

from __future__ import annotations

from spinecoach.domain.checkin import CheckInWhen, SymptomLocation
from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.domain.dose import Dose
from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    PrescriptionSource,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningKind,
    ScreeningRecord,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SetRecord,
    StopEventRecord,
    User,
)
from spinecoach.storage.analysis import VideoAnalysis
from spinecoach.storage.tables import (
    CheckInRow,
    HoldRow,
    PrescriptionRow,
    ProgrammeChangeRow,
    RepetitionRow,
    ScreeningRow,
    SessionRow,
    SetRow,
    StopEventRow,
    UserRow,
    VideoAnalysisRow,
)


def user_row(user: User) -> UserRow:
    """Build a row for a new user."""
    return UserRow(name=user.name, created_at=user.created_at)


def user_record(row: UserRow) -> User:
    """Read a user row."""
    return User(id=row.id, name=row.name, created_at=row.created_at)


def screening_row(record: ScreeningRecord) -> ScreeningRow:
    """Build a row for a new screening."""
    return ScreeningRow(
        user_id=record.user_id,
        taken_at=record.taken_at,
        kind=record.kind.value,
        outcome=record.outcome.value,
        reasons=list(record.reasons),
        flags=list(record.flags),
        answers=dict(record.answers),
        questionnaire_version=record.questionnaire_version,
    )


def screening_record(row: ScreeningRow) -> ScreeningRecord:
    """Read a screening row."""
    return ScreeningRecord(
        id=row.id,
        user_id=row.user_id,
        taken_at=row.taken_at,
        kind=ScreeningKind(row.kind),
        outcome=Outcome(row.outcome),
        reasons=tuple(row.reasons),
        flags=tuple(row.flags),
        answers=dict(row.answers),
        questionnaire_version=row.questionnaire_version,
    )


def checkin_row(checkin: CheckIn) -> CheckInRow:
    """Build a row for a new check-in."""
    return CheckInRow(
        user_id=checkin.user_id,
        session_id=checkin.session_id,
        taken_at=checkin.taken_at,
        when=checkin.when.value,
        back_pain=checkin.back_pain,
        leg_pain=checkin.leg_pain,
        furthest_symptom=checkin.furthest_symptom.value,
        numbness=checkin.numbness,
        tingling=checkin.tingling,
        weakness=checkin.weakness,
        note=checkin.note,
        exercise_id=checkin.exercise_id,
    )


def checkin_record(row: CheckInRow) -> CheckIn:
    """Read a check-in row."""
    return CheckIn(
        id=row.id,
        user_id=row.user_id,
        session_id=row.session_id,
        taken_at=row.taken_at,
        when=CheckInWhen(row.when),
        back_pain=row.back_pain,
        leg_pain=row.leg_pain,
        furthest_symptom=SymptomLocation(row.furthest_symptom),
        numbness=row.numbness,
        tingling=row.tingling,
        weakness=row.weakness,
        note=row.note,
        exercise_id=row.exercise_id,
    )


def prescription_row(prescription: Prescription) -> PrescriptionRow:
    """Build a row for a new prescription."""
    return PrescriptionRow(
        user_id=prescription.user_id,
        exercise_id=prescription.exercise_id,
        sets=prescription.sets,
        reps=prescription.reps,
        hold_s=prescription.hold_s,
        rest_s=prescription.rest_s,
        valid_from=prescription.valid_from,
        reason=prescription.reason,
        source=prescription.source.value,
        overridden_by=prescription.overridden_by,
    )


def prescription_record(row: PrescriptionRow) -> Prescription:
    """Read a prescription row."""
    return Prescription(
        id=row.id,
        user_id=row.user_id,
        exercise_id=row.exercise_id,
        sets=row.sets,
        reps=row.reps,
        hold_s=row.hold_s,
        rest_s=row.rest_s,
        valid_from=row.valid_from,
        reason=row.reason,
        source=PrescriptionSource(row.source),
        overridden_by=row.overridden_by,
    )


def programme_change_row(change: ProgrammeChange) -> ProgrammeChangeRow:
    """Build a row for a new programme change (each dose as four columns)."""
    old = change.old_dose
    return ProgrammeChangeRow(
        user_id=change.user_id,
        exercise_id=change.exercise_id,
        at=change.at,
        old_sets=None if old is None else old.sets,
        old_reps=None if old is None else old.reps,
        old_hold_s=None if old is None else old.hold_s,
        old_rest_s=None if old is None else old.rest_s,
        new_sets=change.new_dose.sets,
        new_reps=change.new_dose.reps,
        new_hold_s=change.new_dose.hold_s,
        new_rest_s=change.new_dose.rest_s,
        reason=change.reason,
        source=change.source.value,
        overridden_by=change.overridden_by,
    )


def programme_change_record(row: ProgrammeChangeRow) -> ProgrammeChange:
    """Read a programme change row."""
    old = None
    if row.old_sets is not None and row.old_rest_s is not None:
        old = Dose(
            sets=row.old_sets, reps=row.old_reps, hold_s=row.old_hold_s, rest_s=row.old_rest_s
        )
    return ProgrammeChange(
        id=row.id,
        user_id=row.user_id,
        exercise_id=row.exercise_id,
        at=row.at,
        old_dose=old,
        new_dose=Dose(
            sets=row.new_sets, reps=row.new_reps, hold_s=row.new_hold_s, rest_s=row.new_rest_s
        ),
        reason=row.reason,
        source=PrescriptionSource(row.source),
        overridden_by=row.overridden_by,
    )


def session_row(session: SessionRecord, app_version: str) -> SessionRow:
    """Build a row for a new session, stamped with the running spinecoach version."""
    return SessionRow(
        user_id=session.user_id,
        started_at=session.started_at,
        ended_at=session.ended_at,
        mode=session.mode.value,
        status=session.status.value,
        app_version=app_version,
    )


def session_record(row: SessionRow) -> SessionRecord:
    """Read a session row."""
    return SessionRecord(
        id=row.id,
        user_id=row.user_id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        mode=SessionMode(row.mode),
        status=SessionStatus(row.status),
    )


def set_row(record: SetRecord) -> SetRow:
    """Build a row for a new set."""
    return SetRow(
        session_id=record.session_id,
        exercise_id=record.exercise_id,
        set_index=record.index,
        started_at=record.started_at,
        ended_at=record.ended_at,
        target_reps=record.target_reps,
        target_hold_s=record.target_hold_s,
        reps_done=record.reps_done,
        hold_done_s=record.hold_done_s,
        pain_during=record.pain_during,
        stop_code=record.stop_code,
    )


def set_record(row: SetRow) -> SetRecord:
    """Read a set row."""
    return SetRecord(
        id=row.id,
        session_id=row.session_id,
        exercise_id=row.exercise_id,
        index=row.set_index,
        started_at=row.started_at,
        ended_at=row.ended_at,
        target_reps=row.target_reps,
        target_hold_s=row.target_hold_s,
        reps_done=row.reps_done,
        hold_done_s=row.hold_done_s,
        pain_during=row.pain_during,
        stop_code=None if row.stop_code is None else StopCode(row.stop_code),
    )


def repetition_row(rep: RepetitionRecord) -> RepetitionRow:
    """Build a row for a new repetition."""
    return RepetitionRow(
        set_id=rep.set_id,
        rep_index=rep.index,
        side=rep.side,
        start_s=rep.start_s,
        peak_s=rep.peak_s,
        end_s=rep.end_s,
        hold_s=rep.hold_s,
        good_form=rep.good_form,
        faults=list(rep.faults),
        metrics={key: float(value) for key, value in rep.metrics.items()},
    )


def repetition_record(row: RepetitionRow) -> RepetitionRecord:
    """Read a repetition row."""
    return RepetitionRecord(
        id=row.id,
        set_id=row.set_id,
        index=row.rep_index,
        side=row.side,
        start_s=row.start_s,
        peak_s=row.peak_s,
        end_s=row.end_s,
        hold_s=row.hold_s,
        good_form=row.good_form,
        faults=tuple(FaultCode(code) for code in row.faults),
        metrics=dict(row.metrics),
    )


def hold_row(hold: HoldRecord) -> HoldRow:
    """Build a row for a new hold."""
    return HoldRow(
        set_id=hold.set_id, start_s=hold.start_s, end_s=hold.end_s, good_form_s=hold.good_form_s
    )


def hold_record(row: HoldRow) -> HoldRecord:
    """Read a hold row."""
    return HoldRecord(
        id=row.id,
        set_id=row.set_id,
        start_s=row.start_s,
        end_s=row.end_s,
        good_form_s=row.good_form_s,
    )


def stop_event_row(event: StopEventRecord) -> StopEventRow:
    """Build a row for a new stop event."""
    return StopEventRow(
        user_id=event.user_id,
        at=event.at,
        code=event.code,
        message=event.message,
        session_id=event.session_id,
        set_id=event.set_id,
        exercise_id=event.exercise_id,
    )


def stop_event_record(row: StopEventRow) -> StopEventRecord:
    """Read a stop event row."""
    return StopEventRecord(
        id=row.id,
        user_id=row.user_id,
        at=row.at,
        code=StopCode(row.code),
        message=row.message,
        session_id=row.session_id,
        set_id=row.set_id,
        exercise_id=row.exercise_id,
    )


def video_analysis_row(analysis: VideoAnalysis) -> VideoAnalysisRow:
    """Build a row for the provenance of a video session."""
    return VideoAnalysisRow(
        session_id=analysis.session_id,
        exercise_id=analysis.exercise_id,
        source_path=analysis.source_path,
        fps=analysis.fps,
        frames=analysis.frames,
        duration_s=analysis.duration_s,
        summary=dict(analysis.summary),
    )


def video_analysis_record(row: VideoAnalysisRow) -> VideoAnalysis:
    """Read a video analysis row."""
    return VideoAnalysis(
        id=row.id,
        session_id=row.session_id,
        exercise_id=row.exercise_id,
        source_path=row.source_path,
        fps=row.fps,
        frames=row.frames,
        duration_s=row.duration_s,
        summary=dict(row.summary),
    )
