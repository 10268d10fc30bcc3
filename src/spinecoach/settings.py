"""Typed settings, declared once; read from the environment by :func:`load_settings`.

| setting       | environment variable     | default                                       |
|---------------|--------------------------|-----------------------------------------------|
| data_dir      | SPINECOACH_DATA_DIR      | $XDG_DATA_HOME/spinecoach or ~/.local/share/… |
| database_url  | SPINECOACH_DATABASE_URL  | sqlite:///<data_dir>/spinecoach.db            |
| host          | SPINECOACH_HOST          | 127.0.0.1                                     |
| port          | SPINECOACH_PORT          | 8000                                          |
| max_upload_mb | SPINECOACH_MAX_UPLOAD_MB | 500                                           |
| speech        | SPINECOACH_SPEECH        | auto (espeak-ng when installed, else browser) |

Nothing is read at import time: call :func:`load_settings` (the CLI and ``create_app`` do).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Run-time settings of spinecoach."""

    data_dir: Path
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: int = 500
    speech: str = "auto"

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (CLI flags override the environment)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def default_data_dir(env: Mapping[str, str]) -> Path:
    """Return the per-user data directory."""
    if env.get("SPINECOACH_DATA_DIR"):
        return Path(env["SPINECOACH_DATA_DIR"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "spinecoach"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from environment variables (``os.environ`` by default)."""
    env = os.environ if env is None else env
    data_dir = default_data_dir(env)
    database_url = env.get("SPINECOACH_DATABASE_URL") or f"sqlite:///{data_dir / 'spinecoach.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        host=env.get("SPINECOACH_HOST", "127.0.0.1"),
        port=int(env.get("SPINECOACH_PORT", "8000")),
        max_upload_mb=int(env.get("SPINECOACH_MAX_UPLOAD_MB", "500")),
        speech=env.get("SPINECOACH_SPEECH", "auto"),
    )
