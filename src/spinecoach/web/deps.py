"""Typed FastAPI dependencies, so route handlers read like prose."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from spinecoach.web.context import AppContext
from spinecoach.web.local_user import LocalUser


def get_context(conn: HTTPConnection) -> AppContext:
    """Return the app's :class:`AppContext` (works for HTTP and WebSocket)."""
    context: AppContext = conn.app.state.context
    return context


def get_user(request: Request) -> LocalUser:
    """Return the local user's view of the core."""
    return get_context(request).user


ContextDep = Annotated[AppContext, Depends(get_context)]
UserDep = Annotated[LocalUser, Depends(get_user)]
