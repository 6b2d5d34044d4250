"""Log ids: each HTTP request and each websocket its own, on every line logged handling it
(in the tasks it starts too), and none outside."""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
import logging
from typing import Any

from virtualcite import logs
from virtualcite.access_log import RequestLog
from virtualcite.logs import JsonFormatter, LogContext


async def handling() -> None:
    logging.getLogger("tests.app").info("handling")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An application whose handling logs from a task it starts (which inherits the id)."""
    await asyncio.get_running_loop().create_task(handling())
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
    else:
        await send({"type": "websocket.close", "code": 1000})


async def nothing() -> dict[str, Any]:
    return {}


async def sent(message: dict[str, Any]) -> None:
    pass


def test_each_request_and_socket_gets_its_own_id_on_every_line() -> None:
    async def run() -> None:
        edge = RequestLog(app)
        http = {"type": "http", "method": "GET", "path": "/healthz", "client": ("203.0.113.7", 1)}
        socket = {"type": "websocket", "path": "/ws/visitor/", "client": ("203.0.113.7", 2)}
        # Each in a task of its own, as daphne runs them.
        await asyncio.gather(*(asyncio.create_task(edge(scope, nothing, sent),
                                                   context=contextvars.Context())
                               for scope in (http, http, socket)))

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(LogContext())
    root = logging.getLogger()
    root.addHandler(handler)
    level, root.level = root.level, logging.INFO
    try:
        asyncio.run(run())
    finally:
        root.removeHandler(handler)
        root.level = level
    written = [json.loads(line) for line in stream.getvalue().splitlines()]

    handled = [line for line in written if line["message"] == "handling"]
    access = [line for line in written if line["message"] == "http request"]
    rejected = [line for line in written if line["message"] == "websocket rejected"]
    assert len(handled) == 3 and len(access) == 2 and len(rejected) == 1
    request_ids = {line.get("request_id") for line in handled} - {None}
    assert request_ids == {line["request_id"] for line in access} and len(request_ids) == 2
    assert [line.get("connection_id") for line in rejected] == [
        next(line["connection_id"] for line in handled if "connection_id" in line)]
    assert access[0]["status"] == 204 and access[0]["path"] == "/healthz"
    assert "203.0.113.7" not in stream.getvalue()


def test_a_line_logged_outside_any_request_carries_no_id() -> None:
    record = logging.makeLogRecord({"msg": "maintenance"})
    contextvars.Context().run(LogContext().filter, record)
    assert not hasattr(record, "request_id") and not hasattr(record, "connection_id")
    assert len(logs.new_log_id()) == 12
