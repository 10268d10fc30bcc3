"""The user's profile: the name the clinician report shows and who the report is for.

:func:`save_profile` validates and stores a new :class:`~spinecoach.session.records.Profile`
(the newest one counts); :func:`report_names` says what a report prints for a user: the
profile's name, else the user's own name, but never the web app's internal account name
``"me"`` (a plain "name not given" instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from spinecoach.errors import InputError
from spinecoach.session.accounts import DEFAULT_USER_NAME
from spinecoach.session.records import Profile, User
from spinecoach.session.repository import Repository

MAX_NAME_CHARS = 100
MAX_CLINICIAN_CHARS = 200
MAX_EMAIL_CHARS = 254
UNITS = ("metric",)
LANGUAGES = ("en",)
NO_NAME = "name not given"
LOCAL_ACCOUNT = DEFAULT_USER_NAME  # the account serve makes on first use
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _text(value: str | None, field: str, limit: int) -> str | None:
    cleaned = " ".join((value or "").split())
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in cleaned):
        raise InputError(f"{field}: please use letters, numbers and punctuation only")
    if len(cleaned) > limit:
        raise InputError(f"{field}: at most {limit} characters, please")
    return cleaned or None


def save_profile(repo: Repository, user_id: int, *, display_name: str,
                 clinician_name: str | None = None, clinician_email: str | None = None,
                 units: str = "metric", language: str = "en", now: datetime) -> Profile:
    """Validate and store the profile (raises ``InputError`` with the field's name)."""
    name = _text(display_name, "name", MAX_NAME_CHARS)
    if name is None:
        raise InputError("name: please give the name your physiotherapist knows you by")
    email = _text(clinician_email, "clinician's email", MAX_EMAIL_CHARS)
    if email is not None and not _EMAIL.match(email):
        raise InputError("clinician's email: this does not look like an email address")
    if units not in UNITS:
        raise InputError(f"units: one of {', '.join(UNITS)}")
    if language not in LANGUAGES:
        raise InputError(f"language: one of {', '.join(LANGUAGES)}")
    return repo.add_profile(Profile(
        user_id=user_id, display_name=name, saved_at=now,
        clinician_name=_text(clinician_name, "clinician's name", MAX_CLINICIAN_CHARS),
        clinician_email=email, units=units, language=language))


@dataclass(frozen=True)
class ReportNames:
    """Who a report is about and for."""

    patient: str
    clinician: str | None


def report_names(repo: Repository, user: User) -> ReportNames:
    """The patient's name (profile, else the user's own) and the clinician the report is for."""
    profile = repo.latest_profile(user.id) if user.id is not None else None
    if profile is None:
        return ReportNames(patient=NO_NAME if user.name == LOCAL_ACCOUNT else user.name,
                           clinician=None)
    clinician = profile.clinician_name
    if profile.clinician_email:
        clinician = (f"{clinician} ({profile.clinician_email})" if clinician
                     else profile.clinician_email)
    return ReportNames(patient=profile.display_name, clinician=clinician)
