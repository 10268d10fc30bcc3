""":class:`InMemoryRepository`: the fake beside the SQL repository, and its reference behaviour.

Tests of the core, the command line and the web app run the real rules over this fake (the
lowest seam), so they stay fast without a database.  It keeps the port's rules (see
:mod:`spinecoach.session.repository`): ids on insert, time order, dangling references refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from spinecoach.domain.codes import StopCode
from spinecoach.errors import StorageError
from spinecoach.session import records as rec

_T = TypeVar("_T")


def _since(items: Iterable[_T], key: str, since: datetime | None) -> list[_T]:
    ordered = sorted(items, key=lambda item: getattr(item, key))
    if since is None:
        return ordered
    return [item for item in ordered if getattr(item, key) >= since]


def _of(
    items: Iterable[_T], parent: str, ids: Sequence[int], order: Callable[[_T], Any]
) -> list[_T]:
    """The items whose ``parent`` id is in ``ids``, grouped by parent id (ascending)."""
    wanted = set(ids)
    mine = [item for item in items if getattr(item, parent) in wanted]
    return sorted(mine, key=lambda item: (getattr(item, parent), order(item)))


class InMemoryRepository:
    """A dict-backed :class:`~spinecoach.session.repository.Repository` for tests."""

    def __init__(self) -> None:
        self._ids = 0
        self._users: dict[int, rec.User] = {}
        self._screenings: list[rec.ScreeningRecord] = []
        self._checkins: list[rec.CheckIn] = []
        self._prescriptions: list[rec.Prescription] = []
        self._changes: list[rec.ProgrammeChange] = []
        self._sessions: dict[int, rec.SessionRecord] = {}
        self._sets: dict[int, rec.SetRecord] = {}
        self._reps: list[rec.RepetitionRecord] = []
        self._holds: list[rec.HoldRecord] = []
        self._stops: list[rec.StopEventRecord] = []
        self._videos: list[rec.VideoAnalysis] = []
        self._passwords: dict[int, str] = {}
        self._care_links: set[tuple[int, int]] = set()  # (clinician id, patient id)
        self._web_sessions: dict[str, rec.WebSession] = {}
        self._signin_links: dict[str, rec.SignInLink] = {}
        self._profiles: list[rec.Profile] = []

    def _stored(self, record: _T) -> _T:
        self._ids += 1
        return replace(record, id=self._ids)  # type: ignore[type-var]

    def _require(
        self, user_id: int | None, session_id: int | None = None, set_id: int | None = None
    ) -> None:
        """Refuse dangling references, as the database's foreign keys do."""
        if user_id is not None and user_id not in self._users:
            raise StorageError(f"no user with id {user_id}")
        if session_id is not None and session_id not in self._sessions:
            raise StorageError(f"no session with id {session_id}")
        if set_id is not None and set_id not in self._sets:
            raise StorageError(f"no set with id {set_id}")

    # -- profile --------------------------------------------------------------------------

    def add_profile(self, profile: rec.Profile) -> rec.Profile:
        """Insert a saved profile."""
        self._require(profile.user_id)
        stored = self._stored(profile)
        self._profiles.append(stored)
        return stored

    def latest_profile(self, user_id: int) -> rec.Profile | None:
        """Return the newest profile of the user."""
        mine = [p for p in self._profiles if p.user_id == user_id]
        return max(mine, key=lambda p: (p.saved_at, p.id or 0)) if mine else None

    # -- users ----------------------------------------------------------------------------

    def add_user(self, user: rec.User) -> rec.User:
        """Insert a user; names are unique."""
        if self.find_user(user.name) is not None:
            raise StorageError(f"a user named {user.name!r} already exists")
        stored = self._stored(user)
        self._users[stored.id or 0] = stored
        return stored

    def get_user(self, user_id: int) -> rec.User | None:
        """Return the user with this id."""
        return self._users.get(user_id)

    def find_user(self, name: str) -> rec.User | None:
        """Return the user with this name."""
        return next((u for u in self._users.values() if u.name == name), None)

    def users(self, role: rec.Role | None = None) -> list[rec.User]:
        """Return every user (of ``role`` if given), by id."""
        return [u for _, u in sorted(self._users.items()) if role is None or u.role == role]

    # -- accounts -------------------------------------------------------------------------

    def password_hash(self, user_id: int) -> str | None:
        """Return the user's password hash."""
        return self._passwords.get(user_id)

    def set_password_hash(self, user_id: int, password_hash: str | None) -> None:
        """Set or clear the user's password hash."""
        self._require(user_id)
        if password_hash is None:
            self._passwords.pop(user_id, None)
        else:
            self._passwords[user_id] = password_hash

    def link_patient(self, clinician_id: int, patient_id: int, now: datetime) -> None:
        """Let the clinician read the patient's record."""
        self._require(clinician_id)
        self._require(patient_id)
        self._care_links.add((clinician_id, patient_id))

    def unlink_patient(self, clinician_id: int, patient_id: int) -> bool:
        """Remove a link; True when there was one."""
        found = (clinician_id, patient_id) in self._care_links
        self._care_links.discard((clinician_id, patient_id))
        return found

    def patients_of(self, clinician_id: int) -> list[rec.User]:
        """Return the patients linked to this clinician."""
        return [self._users[p] for c, p in sorted(self._care_links) if c == clinician_id]

    def clinicians_of(self, patient_id: int) -> list[rec.User]:
        """Return the clinicians this patient is linked to."""
        return [self._users[c] for c, p in sorted(self._care_links) if p == patient_id]

    def add_web_session(self, session: rec.WebSession) -> rec.WebSession:
        """Insert a browser session."""
        self._require(session.user_id)
        if session.token_hash in self._web_sessions:
            raise StorageError("a session with this token already exists")
        stored = self._stored(session)
        self._web_sessions[stored.token_hash] = stored
        return stored

    def find_web_session(self, token_hash: str) -> rec.WebSession | None:
        """Return the session with this token hash."""
        return self._web_sessions.get(token_hash)

    def delete_web_sessions(self, *, token_hash: str | None = None,
                            user_id: int | None = None) -> int:
        """Delete one session, or every session of a user."""
        doomed = [key for key, value in self._web_sessions.items()
                  if key == token_hash or (user_id is not None and value.user_id == user_id)]
        for key in doomed:
            del self._web_sessions[key]
        return len(doomed)

    def delete_expired_tokens(self, now: datetime) -> int:
        """Delete expired sessions, and expired or used sign-in links."""
        old_sessions = [k for k, v in self._web_sessions.items() if v.expires_at <= now]
        old_links = [k for k, v in self._signin_links.items()
                     if v.expires_at <= now or v.used_at is not None]
        for key in old_sessions:
            del self._web_sessions[key]
        for key in old_links:
            del self._signin_links[key]
        return len(old_sessions) + len(old_links)

    def add_signin_link(self, link: rec.SignInLink) -> rec.SignInLink:
        """Insert a one-time sign-in link."""
        self._require(link.user_id)
        stored = self._stored(link)
        self._signin_links[stored.token_hash] = stored
        return stored

    def use_signin_link(self, token_hash: str, now: datetime) -> rec.SignInLink | None:
        """Mark the link used and return it; None when unknown, used or expired."""
        link = self._signin_links.get(token_hash)
        if link is None or link.used_at is not None or link.expires_at <= now:
            return None
        used = replace(link, used_at=now)
        self._signin_links[token_hash] = used
        return used

    # -- screening and check-ins ----------------------------------------------------------

    def add_screening(self, record: rec.ScreeningRecord) -> rec.ScreeningRecord:
        """Insert a screening outcome."""
        self._require(record.user_id)
        stored = self._stored(record)
        self._screenings.append(stored)
        return stored

    def latest_screening(
        self, user_id: int, kind: rec.ScreeningKind | None = None
    ) -> rec.ScreeningRecord | None:
        """Return the newest screening (of ``kind`` if given)."""
        found = [s for s in self.screenings(user_id) if kind is None or s.kind == kind]
        return found[-1] if found else None

    def screenings(self, user_id: int, since: datetime | None = None) -> list[rec.ScreeningRecord]:
        """Return the user's screenings."""
        mine = [s for s in self._screenings if s.user_id == user_id]
        return _since(mine, "taken_at", since)

    def add_checkin(self, checkin: rec.CheckIn) -> rec.CheckIn:
        """Insert a check-in."""
        self._require(checkin.user_id, checkin.session_id)
        stored = self._stored(checkin)
        self._checkins.append(stored)
        return stored

    def checkins(self, user_id: int, since: datetime | None = None) -> list[rec.CheckIn]:
        """Return the user's check-ins."""
        return _since([c for c in self._checkins if c.user_id == user_id], "taken_at", since)

    def latest_checkin(self, user_id: int) -> rec.CheckIn | None:
        """Return the user's newest check-in."""
        mine = self.checkins(user_id)
        return mine[-1] if mine else None

    def checkins_of_sessions(self, session_ids: Sequence[int]) -> list[rec.CheckIn]:
        """Return the check-ins of these sessions (in time order)."""
        wanted = set(session_ids)
        return _since([c for c in self._checkins if c.session_id in wanted], "taken_at", None)

    # -- programme ------------------------------------------------------------------------

    def prescriptions(self, user_id: int, on: date | None = None) -> list[rec.Prescription]:
        """Return the prescription in force per exercise on ``on``."""
        current: dict[str, rec.Prescription] = {}
        for item in self.prescription_history(user_id):
            if on is not None and item.valid_from > on:
                continue
            held = current.get(item.exercise_id)
            if held is None or item.valid_from >= held.valid_from:
                current[item.exercise_id] = item
        return [current[key] for key in sorted(current)]

    def set_prescription(self, prescription: rec.Prescription) -> rec.Prescription:
        """Insert a prescription."""
        self._require(prescription.user_id)
        stored = self._stored(prescription)
        self._prescriptions.append(stored)
        return stored

    def prescription_history(self, user_id: int) -> list[rec.Prescription]:
        """Return every prescription ever set, oldest first."""
        return [p for p in self._prescriptions if p.user_id == user_id]

    def add_programme_change(self, change: rec.ProgrammeChange) -> rec.ProgrammeChange:
        """Insert a programme change."""
        self._require(change.user_id)
        stored = self._stored(change)
        self._changes.append(stored)
        return stored

    def programme_changes(
        self, user_id: int, since: datetime | None = None
    ) -> list[rec.ProgrammeChange]:
        """Return programme changes."""
        return _since([c for c in self._changes if c.user_id == user_id], "at", since)

    # -- sessions and sets ----------------------------------------------------------------

    def start_session(self, session: rec.SessionRecord) -> rec.SessionRecord:
        """Insert a session."""
        self._require(session.user_id)
        stored = self._stored(session)
        self._sessions[stored.id or 0] = stored
        return stored

    def end_session(
        self, session_id: int, ended_at: datetime, status: rec.SessionStatus
    ) -> rec.SessionRecord:
        """Set the end time and final status of a session."""
        self._require(None, session_id)
        ended = replace(self._sessions[session_id], ended_at=ended_at, status=status)
        self._sessions[session_id] = ended
        return ended

    def get_session(self, session_id: int) -> rec.SessionRecord | None:
        """Return one session."""
        return self._sessions.get(session_id)

    def sessions(self, user_id: int, since: datetime | None = None) -> list[rec.SessionRecord]:
        """Return the user's sessions."""
        mine = [s for s in self._sessions.values() if s.user_id == user_id]
        return _since(mine, "started_at", since)

    def recent_sessions(
        self, user_id: int, *, limit: int, offset: int = 0
    ) -> list[rec.SessionRecord]:
        """Return one page of the user's sessions, newest first."""
        newest = sorted(self.sessions(user_id), key=lambda s: (s.started_at, s.id), reverse=True)
        return newest[offset : offset + limit]

    def count_sessions(self, user_id: int) -> int:
        """Return how many sessions the user has."""
        return sum(1 for s in self._sessions.values() if s.user_id == user_id)

    def start_set(self, record: rec.SetRecord) -> rec.SetRecord:
        """Insert a set."""
        self._require(None, record.session_id)
        stored = self._stored(record)
        self._sets[stored.id or 0] = stored
        return stored

    def end_set(self, set_id: int, ended_at: datetime, *, reps_done: int | None = None,
                hold_done_s: float | None = None, pain_during: int | None = None,
                stop_code: StopCode | None = None, note: str | None = None) -> rec.SetRecord:
        """Close a set with what was done."""
        self._require(None, set_id=set_id)
        ended = replace(self._sets[set_id], ended_at=ended_at, reps_done=reps_done,
                        hold_done_s=hold_done_s, pain_during=pain_during, stop_code=stop_code,
                        note=note)
        self._sets[set_id] = ended
        return ended

    def get_set(self, set_id: int) -> rec.SetRecord | None:
        """Return one set."""
        return self._sets.get(set_id)

    def sets_of(self, session_id: int) -> list[rec.SetRecord]:
        """Return the sets of a session."""
        return self.sets_of_sessions([session_id])

    def sets_of_sessions(self, session_ids: Sequence[int]) -> list[rec.SetRecord]:
        """Return the sets of many sessions (by session, then ``index``)."""
        return _of(self._sets.values(), "session_id", session_ids, lambda s: (s.index, s.id))

    def open_sets(self) -> list[rec.SetRecord]:
        """Return every set not ended yet (by id)."""
        return sorted((s for s in self._sets.values() if s.ended_at is None),
                      key=lambda s: s.id or 0)

    def renew_sets(self, set_ids: Sequence[int], now: datetime) -> None:
        """Set ``alive_at`` on those of these sets not ended yet."""
        for set_id in set_ids:
            found = self._sets.get(set_id)
            if found is not None and found.ended_at is None:
                self._sets[set_id] = replace(found, alive_at=now)

    # -- repetitions, holds, stops --------------------------------------------------------

    def add_repetition(self, rep: rec.RepetitionRecord) -> rec.RepetitionRecord:
        """Insert one repetition."""
        self._require(None, set_id=rep.set_id)
        stored = self._stored(rep)
        self._reps.append(stored)
        return stored

    def repetitions_of(self, set_id: int) -> list[rec.RepetitionRecord]:
        """Return the repetitions of a set."""
        return self.repetitions_of_sets([set_id])

    def repetitions_of_sets(self, set_ids: Sequence[int]) -> list[rec.RepetitionRecord]:
        """Return the repetitions of many sets (by set, then ``index``)."""
        return _of(self._reps, "set_id", set_ids, lambda r: (r.index, r.id))

    def add_hold(self, hold: rec.HoldRecord) -> rec.HoldRecord:
        """Insert one good-form hold interval."""
        self._require(None, set_id=hold.set_id)
        stored = self._stored(hold)
        self._holds.append(stored)
        return stored

    def holds_of(self, set_id: int) -> list[rec.HoldRecord]:
        """Return the holds of a set."""
        return self.holds_of_sets([set_id])

    def holds_of_sets(self, set_ids: Sequence[int]) -> list[rec.HoldRecord]:
        """Return the good-form holds of many sets (by set, then ``start_s``)."""
        return _of(self._holds, "set_id", set_ids, lambda h: (h.start_s, h.id))

    def add_stop_event(self, event: rec.StopEventRecord) -> rec.StopEventRecord:
        """Insert a stop event."""
        self._require(event.user_id, event.session_id, event.set_id)
        stored = self._stored(event)
        self._stops.append(stored)
        return stored

    def stop_events(self, user_id: int, since: datetime | None = None) -> list[rec.StopEventRecord]:
        """Return the user's stop events."""
        return _since([e for e in self._stops if e.user_id == user_id], "at", since)

    def stop_events_of_sessions(self, session_ids: Sequence[int]) -> list[rec.StopEventRecord]:
        """Return the stop events recorded in these sessions (in time order)."""
        wanted = set(session_ids)
        return _since([e for e in self._stops if e.session_id in wanted], "at", None)

    # -- where a video-mode session came from ---------------------------------------------

    def add_video_analysis(self, analysis: rec.VideoAnalysis) -> rec.VideoAnalysis:
        """Insert the provenance of a video session (one per session)."""
        self._require(None, analysis.session_id)
        if any(v.session_id == analysis.session_id for v in self._videos):
            raise StorageError(f"session {analysis.session_id} already has a video analysis")
        stored = self._stored(analysis)
        self._videos.append(stored)
        return stored

    def video_analyses_of_sessions(self, session_ids: Sequence[int]) -> list[rec.VideoAnalysis]:
        """Return the video analyses behind these sessions (by session id)."""
        wanted = set(session_ids)
        return sorted((v for v in self._videos if v.session_id in wanted),
                      key=lambda v: v.session_id)
