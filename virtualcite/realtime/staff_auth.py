"""Who is behind a staff socket (a counsellor's, a facilitator's), read once from the
Django session at the handshake.

Channels' `AuthMiddlewareStack` does the same, but its session middleware also wraps every
frame the socket sends, to save a session a websocket never changes: 12 % of a chat
message's CPU (docs/benchmarks.md). The session is looked up and checked exactly as
`channels.auth.get_user` does (backend, session hash); visitor sockets get no session at all.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.auth import get_user
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.http.cookie import parse_cookie


class StaffSessionAuth(BaseMiddleware):  # type: ignore[misc]  # channels ships no type hints
    """Puts the session's `user` (or AnonymousUser) in the scope; `send` is left untouched."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        session_store = import_module(settings.SESSION_ENGINE).SessionStore
        scope = dict(scope, session=session_store(cookies.get(settings.SESSION_COOKIE_NAME)))
        scope["user"] = await get_user(scope)
        return await self.inner(scope, receive, send)
