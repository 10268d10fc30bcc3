"""The safety core imports no adapter, front end or database library (a cheap layer check)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "spinecoach"
CORE_FILES = [
    *sorted((SRC / "domain" / "safety").glob("*.py")),
    SRC / "domain" / "checkin.py",
    SRC / "domain" / "programme.py",
    *(
        SRC / "session" / f"{name}.py"
        for name in (
            "records",
            "repository",
            "services",
            "guards",
            "progression",
            "programme_service",
            "workout",
        )
    ),
]
FORBIDDEN = (
    "spinecoach.storage",
    "spinecoach.web",
    "spinecoach.cli",
    "spinecoach.pose",
    "spinecoach.reports",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "mediapipe",
    "cv2",
)


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_core_module_imports_no_adapter(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    bad = [name for name in imported if name.startswith(FORBIDDEN)]
    assert bad == []


def test_domain_safety_imports_nothing_from_session() -> None:
    for path in CORE_FILES[:-7]:
        text = path.read_text(encoding="utf-8")
        assert "spinecoach.session" not in text, path.name
