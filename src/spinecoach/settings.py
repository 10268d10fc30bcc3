"""Typed settings, declared once: each field of :class:`Settings` is a row of the table below.

A field's name gives its environment variable (``SPINECOACH_`` + the name in capitals), its
``Field`` holds the default and the help text, and its type validates the value, so the
defaults are written once and the CLI help, the README's table (:func:`settings_table`, checked
by a test) and the error messages come from the same place.  A malformed value ends with one
line naming the variable (``SPINECOACH_PORT: input should be a valid integer, ..., got 'abc'``),
raised as :class:`~spinecoach.errors.InputError`, never a traceback.

Nothing is read at import time: call :func:`load_settings` (the CLI and ``create_app`` do).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from spinecoach.errors import InputError

ENV_PREFIX = "SPINECOACH_"


class Settings(BaseModel):
    """Run-time settings of spinecoach."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(
        description="the database (SQLite), uploads and caches; default "
        "$XDG_DATA_HOME/spinecoach or ~/.local/share/spinecoach")
    database_url: str = Field(
        "", description="a SQLite or PostgreSQL URL (postgresql://user@host/db); default "
        "sqlite:///<data_dir>/spinecoach.db")
    host: str = Field("127.0.0.1", min_length=1, description="the address the web app listens on")
    port: int = Field(8000, ge=1, le=65535, description="the port the web app listens on")
    max_upload_mb: int = Field(500, ge=1, le=100_000,
                               description="the largest video upload, in megabytes")
    speech: Literal["auto", "espeak", "browser"] = Field(
        "auto", description="auto: espeak-ng when installed, else the browser's voice; espeak: "
        "require espeak-ng; browser: the browser's voice only")

    @model_validator(mode="before")
    @classmethod
    def _default_database(cls, values: Any) -> Any:
        """No database URL: SQLite in the data directory."""
        if isinstance(values, dict) and not values.get("database_url") and values.get("data_dir"):
            path = Path(values["data_dir"]) / "spinecoach.db"
            return {**values, "database_url": f"sqlite:///{path}"}
        return values

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (CLI flags override the environment)."""
        return _validated({**self.model_dump(), **changes}, source=None)


def env_name(field: str) -> str:
    """The environment variable of a setting."""
    return ENV_PREFIX + field.upper()


def default_data_dir(env: Mapping[str, str]) -> Path:
    """Return the per-user data directory (XDG), where ``SPINECOACH_DATA_DIR`` is not set."""
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "spinecoach"


def _validated(values: dict[str, Any], source: Mapping[str, str] | None) -> Settings:
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        name = env_name(field) if source is not None and env_name(field) in source else field
        message = str(error["msg"])
        message = message[:1].lower() + message[1:]
        raise InputError(f"{name}: {message}, got {values.get(field)!r}") from None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``SPINECOACH_*`` environment variables (``os.environ``).

    Raises
    ------
    InputError
        When a variable holds a value the setting cannot take (one line, naming it).
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {
        field: env[env_name(field)] for field in Settings.model_fields
        if env.get(env_name(field))
    }
    if "data_dir" in values:
        values["data_dir"] = Path(values["data_dir"]).expanduser()
    values.setdefault("data_dir", default_data_dir(env))
    return _validated(values, env)


def settings_table() -> str:
    """The settings as a Markdown table: variable, default, meaning (for the README)."""
    rows = ["| environment variable | default | what it sets |", "|---|---|---|"]
    for field, info in Settings.model_fields.items():
        default = "" if info.default in (None, "") or info.is_required() else f"`{info.default}`"
        rows.append(f"| `{env_name(field)}` | {default} | {info.description} |")
    return "\n".join(rows)
