"""The web app: create_app(), thin routes, the live-coaching WebSocket, pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spinecoach.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Import the app factory lazily (FastAPI is only loaded when it is used)."""
    if name == "create_app":
        from spinecoach.web.app import create_app

        return create_app
    raise AttributeError(name)
