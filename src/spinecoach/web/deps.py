"""Typed FastAPI dependencies, so route handlers read like prose."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from spinecoach.web.backend import CoachBackend
from spinecoach.web.context import AppContext


def get_context(conn: HTTPConnection) -> AppContext:
    """Return the app's :class:`AppContext` (works for HTTP and WebSocket)."""
    context: AppContext = conn.app.state.context
    return context


def get_backend(request: Request) -> CoachBackend:
    """Return the backend."""
    return get_context(request).backend


ContextDep = Annotated[AppContext, Depends(get_context)]
BackendDep = Annotated[CoachBackend, Depends(get_backend)]
