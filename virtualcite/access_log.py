"""The access log, written from inside each request's and socket's context, never with who asked.

`RequestLog` is the outermost ASGI layer: it gives each HTTP request a `request_id` and each
websocket a `connection_id` (virtualcite/logs.py) before anything else runs, so every line
logged while handling them carries it, and it logs each request's method, path, status and
duration. A socket's own `connected`/`closed` lines come from its consumer
(virtualcite/realtime/socket.py, with its route's name); a handshake refused before any
consumer (the origin check) is logged here. Daphne's own access lines are not used: they are
written outside the request's context, and name the client's address.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from virtualcite import logs

logger = logging.getLogger("virtualcite.access")


class RequestLog:
    """ASGI middleware: a log id per request or socket, and the HTTP access line."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "http":
            return await self._http(scope, receive, send)
        if scope["type"] == "websocket":
            return await self._websocket(scope, receive, send)
        return await self.app(scope, receive, send)

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        logs.request_id.set(logs.new_log_id())
        started = time.monotonic()
        status: int | None = None

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            return await self.app(scope, receive, sending)
        finally:
            logger.info("http request", extra={
                "method": scope.get("method"), "path": scope.get("path"), "status": status,
                "duration_ms": round(1000 * (time.monotonic() - started), 1)})

    async def _websocket(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        logs.connection_id.set(logs.new_log_id())
        accepted = False

        async def sending(message: dict[str, Any]) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept":
                accepted = True
            elif message["type"] == "websocket.close" and not accepted:
                # The path only: a room's slug names a room, never a person.
                logger.info("websocket rejected", extra={"path": scope.get("path")})
            await send(message)

        return await self.app(scope, receive, sending)
