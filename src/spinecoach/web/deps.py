"""Typed FastAPI dependencies, so route handlers read like prose."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from spinecoach.web.auth import AccountDep, get_context, get_user
from spinecoach.web.context import AppContext
from spinecoach.web.local_user import LocalUser

__all__ = ["AccountDep", "ContextDep", "UserDep", "get_context", "get_user"]

ContextDep = Annotated[AppContext, Depends(get_context)]
UserDep = Annotated[LocalUser, Depends(get_user)]
