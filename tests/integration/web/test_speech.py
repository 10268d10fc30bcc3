"""Server-side speech with Debian's espeak-ng (skipped when it is not installed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinecoach.errors import InputError, MissingExtraError
from spinecoach.web.speech import SpeechService

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed")


@needs_espeak
def test_speech_is_a_cached_wav(tmp_path: Path) -> None:
    speech = SpeechService("auto", tmp_path)
    assert speech.available
    wav = speech.wav("Hold. Three, two, one.")
    assert wav.startswith(b"RIFF") and b"WAVE" in wav[:16]
    assert len(list(tmp_path.glob("*.wav"))) == 1
    assert speech.wav("Hold.  Three, two, one.") == wav  # same text, from the cache


def test_browser_mode_has_no_server_speech(tmp_path: Path) -> None:
    speech = SpeechService("browser", tmp_path)
    assert not speech.available
    with pytest.raises(MissingExtraError):
        speech.wav("One")


@needs_espeak
def test_text_limits(tmp_path: Path) -> None:
    speech = SpeechService("auto", tmp_path)
    with pytest.raises(InputError):
        speech.wav("   ")
    with pytest.raises(InputError):
        speech.wav("x" * 201)
    assert speech.wav("--help").startswith(b"RIFF")  # an option-like text is only spoken
