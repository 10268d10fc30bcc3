"""The one exception tree of spinecoach.

::

    SpinecoachError
    ├── InputError                 bad input from a user or a client (exit code 2, HTTP 400/422)
    │   ├── UnreadableVideoError   a file that is not a video, corrupt, or has no frames
    │   ├── LandmarkFileError      a malformed landmark CSV / .npy file
    │   ├── UnknownExerciseError   an exercise id that is not in the library
    │   └── NoPersonError          a recording in which no person was ever detected
    ├── ConfigError                an invalid exercise/programme/question file (a bug: exit 3)
    ├── NotSignedInError           no valid session (HTTP 401; pages redirect to sign-in)
    ├── AccessDeniedError          signed in, but not allowed (a clinician changing a
    │                              record, a change without its CSRF token; HTTP 403)
    ├── TooManyAttemptsError       too many failed sign-ins (HTTP 429)
    ├── SafetyBlockError           blocked by screening or a stop rule (exit 4, HTTP 409)
    ├── CameraError                a webcam that cannot be opened or that disappears
    ├── StorageError               the database cannot be reached or migrated
    ├── PoseWorkerError            a pose worker process failed or stopped
    └── MissingExtraError          an optional dependency is not installed; says how to install it

Errors become exit codes only in ``cli`` and HTTP status codes only in ``web``.
"""

from __future__ import annotations


class SpinecoachError(Exception):
    """Base of every error that spinecoach raises on purpose."""


class InputError(SpinecoachError):
    """Input from a user or a client that cannot be used as it is."""


class UnreadableVideoError(InputError):
    """A video file that cannot be opened, is corrupt, unsupported, or holds no frames."""


class LandmarkFileError(InputError):
    """A landmark table (CSV or .npy) that is malformed."""


class UnknownExerciseError(InputError):
    """An exercise id that is not in the exercise library."""


class NotFoundError(InputError):
    """A record that does not exist (or is not this user's): a session, a set."""


class NoPersonError(InputError):
    """A recording in which the pose model never found a person."""


class ConfigError(SpinecoachError):
    """An invalid declarative file shipped with spinecoach (exercise, programme, questions)."""


class NotSignedInError(SpinecoachError):
    """A request without a valid session (none, expired or signed out)."""


class AccessDeniedError(SpinecoachError):
    """A signed-in account asked for something it may not do."""


class TooManyAttemptsError(SpinecoachError):
    """Too many failed sign-ins for an account or from an address; wait ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SafetyBlockError(SpinecoachError):
    """Exercise is blocked: a screening outcome other than ``ok`` or a stop rule for today."""


class CameraError(SpinecoachError):
    """A camera that cannot be opened, or that stopped delivering frames."""


class StorageError(SpinecoachError):
    """The database cannot be reached, created or migrated."""


class PoseWorkerError(SpinecoachError):
    """A pose-estimation worker process failed, stopped unexpectedly, or its pool is closed."""


class MissingExtraError(SpinecoachError):
    """An optional dependency is missing; the message says what to install."""
