"""Real websocket clients (the `websockets` library) against a live server, frames checked."""

from __future__ import annotations

import asyncio
import functools
import http.client
import http.cookiejar
import json
import urllib.parse
import urllib.request
from typing import Any

import websockets
from pydantic import TypeAdapter

from chat.frames import SERVER_FRAMES


class _FromAddress(urllib.request.HTTPHandler):
    """Plain http from a chosen local address (a client the server must never name)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        bound = functools.partial(http.client.HTTPConnection, source_address=(self.source, 0))
        return self.do_open(bound, req)


class _LocalhostIsSecure(http.cookiejar.DefaultCookiePolicy):
    """A browser's rule: http://localhost is a secure context, where `Secure` cookies (every
    cookie with DEBUG off) are sent; the standard library sends them over https only."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie,
                         request: urllib.request.Request) -> bool:
        host = urllib.parse.urlsplit(request.get_full_url()).hostname
        return host == "localhost" or bool(super().return_ok_secure(cookie, request))


def login_cookie(base_url: str, username: str, password: str = "demo", *,
                 source: str | None = None) -> str:
    """Log in through the /login/ page like a browser, from `source` when given (a loopback
    address); returns the Cookie header value."""
    jar = http.cookiejar.CookieJar(policy=_LocalhostIsSecure())
    handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPCookieProcessor(jar)]
    if source:
        handlers.append(_FromAddress(source))
    opener = urllib.request.build_opener(*handlers)
    with opener.open(f"{base_url}/login/", timeout=10) as page:
        login_url = page.geturl()  # /login/ redirects to the page in the browser's language
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(login_url, data=body, headers={"Referer": login_url})
    opener.open(request, timeout=10).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    assert session, f"login of {username} failed"
    return f"sessionid={session}"


class WsClient:
    def __init__(self, socket: websockets.ClientConnection,
                 frames: TypeAdapter[Any] = SERVER_FRAMES) -> None:
        self.socket = socket
        self.frames = frames  # the route's server frames: every frame received is one
        self.seen: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, url: str, *, origin: str, cookie: str | None = None,
                   frames: TypeAdapter[Any] = SERVER_FRAMES,
                   source: str | None = None) -> WsClient:
        """`source`: the local address to connect from (default: the kernel's choice)."""
        headers = {"Cookie": cookie} if cookie else None
        bound: dict[str, Any] = {"local_addr": (source, 0)} if source else {}
        socket = await websockets.connect(url, origin=origin, additional_headers=headers,
                                          open_timeout=10, **bound)
        return cls(socket, frames)

    async def send(self, **frame: Any) -> None:
        await self.socket.send(json.dumps(frame))

    async def expect(self, kind: str, timeout: float = 10.0, **fields: Any) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {kind!r}; saw {[f['type'] for f in self.seen]}")
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), remaining))
            self.frames.validate_python(frame)
            self.seen.append(frame)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    async def expect_any(self, kinds: tuple[str, ...], timeout: float = 10.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"none of {kinds}; saw {[f['type'] for f in self.seen]}")
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), remaining))
            self.frames.validate_python(frame)
            self.seen.append(frame)
            if frame["type"] in kinds:
                return frame

    async def close(self) -> None:
        await self.socket.close()
