"""Write one section of BENCHMARKS.md, leaving the other sections as they are."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = "# Benchmarks\n\nNumbers written by the scripts in `bench/`; rerun them to update.\n"


def write_section(heading: str, body: str, path: Path = BENCHMARKS) -> None:
    """Replace (or append) the ``## heading`` section of ``path`` with ``body``."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
