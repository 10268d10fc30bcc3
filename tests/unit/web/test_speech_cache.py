"""The speech cache keeps the texts used most recently and no more (a bounded LRU)."""

from __future__ import annotations

import time
from pathlib import Path

from spinecoach.web.speech import SpeechService


def _fake_espeak(tmp_path: Path) -> str:
    script = tmp_path / "espeak-ng"
    script.write_text('#!/bin/sh\nprintf "RIFF....WAVE%s" "$5"\n')
    script.chmod(0o755)
    return str(script)


def test_the_cache_is_bounded_and_keeps_the_recently_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    speech = SpeechService("browser", cache, max_cached=3)
    speech.executable = _fake_espeak(tmp_path)
    for text in ("one", "two", "three"):
        speech.wav(text)
        time.sleep(0.01)
    assert speech.wav("one").endswith(b"one")  # used again: the most recent now
    time.sleep(0.01)
    for n in range(20):  # a page asking for many distinct texts
        speech.wav(f"text {n}")
    assert len(list(cache.glob("*.wav"))) == 3


def test_a_recently_used_text_survives_an_eviction(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    speech = SpeechService("browser", cache, max_cached=2)
    speech.executable = _fake_espeak(tmp_path)
    speech.wav("keep me")
    time.sleep(0.01)
    speech.wav("other")
    time.sleep(0.01)
    speech.wav("keep me")  # touched
    time.sleep(0.01)
    speech.wav("newest")
    remaining = {p.read_bytes() for p in cache.glob("*.wav")}
    assert remaining == {b"RIFF....WAVEkeep me", b"RIFF....WAVEnewest"}
