"""Server-side speech with Debian's ``espeak-ng``, cached on disk.

``settings.speech``: ``auto`` uses espeak-ng when it is installed, ``espeak`` requires it,
``browser`` (or anything else) turns server speech off so the page uses the browser's
``speechSynthesis``.  Cues are short fixed phrases, so a small on-disk cache keyed by the text
makes repeated cues instant.  The cache is bounded: it keeps the :data:`MAX_CACHED` texts used
most recently (about 500 KB each) and deletes the least recently used beyond them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

from spinecoach.errors import InputError, MissingExtraError

MAX_TEXT_CHARS = 200
MAX_CACHED = 64  # WAV files kept: the cues, counts and messages of a few sessions
_TIMEOUT_S = 10.0


class SpeechService:
    """Turns short texts into WAV bytes with espeak-ng."""

    def __init__(self, mode: str, cache_dir: Path, *, max_cached: int = MAX_CACHED) -> None:
        self.cache_dir = cache_dir
        self.max_cached = max_cached
        self._lock = threading.Lock()
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
        with self._lock:
            if path.exists():
                os.utime(path)  # most recently used
                return path.read_bytes()
        result = subprocess.run(  # noqa: S603 - fixed executable, text passed as one argument
            [self.executable, "-s", "150", "--stdout", "--", clean],
            capture_output=True, timeout=_TIMEOUT_S, check=False,
        )
        if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
            raise MissingExtraError("espeak-ng could not speak this text")
        with self._lock:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(result.stdout)
            tmp.replace(path)
            self._evict()
        return result.stdout

    def _evict(self) -> None:
        """Delete the least recently used WAVs beyond :attr:`max_cached`."""
        cached = sorted(self.cache_dir.glob("*.wav"), key=lambda p: p.stat().st_mtime_ns)
        for old in cached[:max(0, len(cached) - self.max_cached)]:
            old.unlink(missing_ok=True)
