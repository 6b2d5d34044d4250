"""Who is behind a staff socket (a counsellor's, a facilitator's), read once from the
Django session at the handshake.

Channels' `AuthMiddlewareStack` does the same, but its session middleware also wraps every
frame the socket sends, to save a session a websocket never changes: 12 % of a chat
message's CPU (docs/benchmarks.md). The session is looked up and checked exactly as
`channels.auth.get_user` does (backend, session hash); visitor sockets get no session at all.
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from channels.auth import get_user
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.http.cookie import parse_cookie

from virtualcite.realtime.errors import Forbidden
from virtualcite.realtime.protocol import CloseCode
from virtualcite.realtime.socket import RealtimeSocket


class StaffSessionAuth(BaseMiddleware):  # type: ignore[misc]  # channels ships no type hints
    """Puts the session's `user` (or AnonymousUser) in the scope; `send` is left untouched."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        session_store = import_module(settings.SESSION_ENGINE).SessionStore
        scope = dict(scope, session=session_store(cookies.get(settings.SESSION_COOKIE_NAME)))
        scope["user"] = await get_user(scope)
        return await self.inner(scope, receive, send)


# A role withdrawn in the admin (or an account deactivated) takes effect within this delay,
# without a database query on every frame.
ROLE_RECHECK_SECONDS = 30.0


class StaffSocket(RealtimeSocket):
    """A logged-in staff member's socket (a counsellor's, a facilitator's).

    Who they are is loaded at the handshake (`load_staff`, None when they may not use the
    route) and loaded again on the first frame after every ROLE_RECHECK_SECONDS; a route may
    also check every frame cheaply (`still_allowed`). A right withdrawn meanwhile answers
    `forbidden`, closes with 4003 and calls `staff_withdrawn`.
    """

    staff: Any = None

    async def load_staff(self, user_id: int) -> Any:
        """Hook: who the user is on this route, or None if they may not use it (now)."""
        raise NotImplementedError

    async def staff_withdrawn(self) -> None:
        """Hook: give back at once what the member held (their right is gone)."""

    async def still_allowed(self) -> bool:
        """Hook: a check cheap enough for every frame (a cached directory), between reloads."""
        return True

    async def admit_staff(self) -> None:
        """At the handshake, after the accept: close 4001 without a login, 4003 without the
        right to the route."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close_with(CloseCode.UNAUTHENTICATED)
            return
        self.user_id: int = user.pk
        self.staff = await self.load_staff(user.pk)
        self.checked_at = time.monotonic()
        if self.staff is None:
            await self.close_with(CloseCode.FORBIDDEN)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.staff is None or self.closed:
            return
        if time.monotonic() - self.checked_at > ROLE_RECHECK_SECONDS:
            self.staff = await self.load_staff(self.user_id)
            self.checked_at = time.monotonic()
        if self.staff is None or not await self.still_allowed():
            self.staff = None
            await self.send_error(Forbidden)
            await self.close_with(CloseCode.FORBIDDEN)
            await self.staff_withdrawn()
            await self.end_of_life()
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)
