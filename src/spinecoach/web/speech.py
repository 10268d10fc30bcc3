"""Server-side speech with Debian's ``espeak-ng``, cached on disk.

``settings.speech``: ``auto`` uses espeak-ng when it is installed, ``espeak`` requires it,
``browser`` (or anything else) turns server speech off so the page uses the browser's
``speechSynthesis``.  Cues are short fixed phrases, so a small on-disk cache keyed by the text
makes repeated cues instant.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from spinecoach.errors import InputError, MissingExtraError

MAX_TEXT_CHARS = 200
_TIMEOUT_S = 10.0


class SpeechService:
    """Turns short texts into WAV bytes with espeak-ng."""

    def __init__(self, mode: str, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        exe = shutil.which("espeak-ng") if mode in ("auto", "espeak") else None
        self.executable: str | None = exe

    @property
    def available(self) -> bool:
        """True when server-side speech can be produced."""
        return self.executable is not None

    def wav(self, text: str) -> bytes:
        """Return the WAV for ``text``.

        Raises
        ------
        InputError
            When the text is empty or too long.
        MissingExtraError
            When espeak-ng is not available (the page falls back to the browser).
        """
        clean = " ".join(text.split())
        if not clean or len(clean) > MAX_TEXT_CHARS:
            raise InputError(f"speech text must be 1 to {MAX_TEXT_CHARS} characters")
        if self.executable is None:
            raise MissingExtraError("server speech needs espeak-ng: apt-get install espeak-ng")
        key = hashlib.sha256(clean.encode()).hexdigest()[:32]
        path = self.cache_dir / f"{key}.wav"
        if path.exists():
            return path.read_bytes()
        result = subprocess.run(  # noqa: S603 - fixed executable, text passed as one argument
            [self.executable, "-s", "150", "--stdout", "--", clean],
            capture_output=True, timeout=_TIMEOUT_S, check=False,
        )
        if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
            raise MissingExtraError("espeak-ng could not speak this text")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(result.stdout)
        tmp.replace(path)
        return result.stdout
