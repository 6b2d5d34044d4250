"""Bad input only a real server shows: invalid UTF-8, binary frames, the Origin check at the
handshake, transport limits and close codes, against `virtualcite serve` with `websockets`.

The in-process half of the suite is tests/integration/test_bad_input.py. Each case checks the
documented answer (docs/protocol.md) and that the server goes on serving afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.journeys import counsellor_on, visitor_on
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient, login_cookie
from virtualcite.cli import WEBSOCKET_MAX_MESSAGE_BYTES
from virtualcite.realtime.limits import FRAME_BURST, MAX_FRAME_BYTES, MAX_VIOLATIONS
from virtualcite.realtime.protocol import CloseCode

# Invalid UTF-8 (RFC 3629): 0xFF never appears in UTF-8; a lone continuation byte; an
# overlong encoding of "/"; an encoded surrogate.
INVALID_UTF8 = [b"\xff", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80"]


async def close_code(client: WsClient, timeout: float = 10.0) -> int | None:
    """Frames are read until the server closes the socket; the code it closed with."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await client.socket.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def alive(client: WsClient) -> None:
    await client.send(type="ping")
    await client.expect("pong")


async def server_still_serves(server: LiveServer) -> None:
    """A new page is welcomed and can take a place."""
    client = await visitor_on(server)
    await client.send(type="join", pole="discover-jobs")
    await client.expect("queued")
    await client.send(type="leave")
    await client.expect("left")
    await client.close()


@pytest.mark.parametrize("garbage", INVALID_UTF8, ids=["ff", "continuation", "overlong",
                                                       "surrogate"])
async def test_invalid_utf8_in_a_text_frame_closes_with_1007(served: LiveServer,
                                                            garbage: bytes) -> None:
    guest = await visitor_on(served)
    await guest.socket.send(b'{"type": "ping", "x": "' + garbage + b'"}', text=True)
    assert await close_code(guest) == 1007
    await server_still_serves(served)


async def test_invalid_utf8_from_a_waiting_visitor_releases_their_offer(
        served: LiveServer) -> None:
    karim = await counsellor_on(served, "karim", ["find-training"], capacity=1)
    guest = await visitor_on(served)
    await guest.send(type="join", pole="find-training")
    await guest.expect("queued")
    offer = (await karim.expect("offer"))["offer"]
    await guest.socket.send(b'{"type": "ping", "x": "\xff"}', text=True)
    assert await close_code(guest) == 1007
    # The desk learns the page is gone: the offer is withdrawn, not left on a dead socket.
    gone = await karim.expect("offer_gone", visitor=offer["visitor"])
    assert gone["reason"] == "visitor_disconnected"
    await karim.send(type="shift_end")
    await karim.expect("shift", reason="offline")
    await karim.close()


async def test_a_binary_frame_is_a_malformed_frame(served: LiveServer) -> None:
    guest = await visitor_on(served)
    await guest.socket.send(json.dumps({"type": "ping"}).encode())
    error = await guest.expect("error")
    assert (error["code"], error["frame"]) == ("malformed_frame", None)
    await alive(guest)
    await guest.close()


@pytest.mark.parametrize("route", ["/ws/visitor/", "/ws/counsellor/"])
async def test_a_foreign_origin_is_refused_at_the_handshake(served: LiveServer,
                                                             route: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(f"{served.ws_url}{route}", origin="https://evil.example",
                                 open_timeout=10)
    assert refused.value.response.status_code == 403
    await server_still_serves(served)


async def test_a_logged_in_counsellors_cookie_does_not_open_the_door_to_a_foreign_origin(
        served: LiveServer) -> None:
    cookie = await asyncio.to_thread(login_cookie, served.url, "lea")
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(f"{served.ws_url}/ws/counsellor/",
                                 origin="https://evil.example",
                                 additional_headers={"Cookie": cookie}, open_timeout=10)
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("route", ["/ws/visitor/", "/ws/counsellor/"])
async def test_a_handshake_without_origin_is_refused(served: LiveServer, route: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(f"{served.ws_url}{route}", open_timeout=10)
    assert refused.value.response.status_code == 403


async def test_a_frame_over_the_budget_is_too_large_and_the_socket_lives(
        served: LiveServer) -> None:
    guest = await visitor_on(served)
    await guest.send(type="message", text="x" * (MAX_FRAME_BYTES + 100))
    error = await guest.expect("error")
    assert (error["code"], error["frame"]) == ("frame_too_large", None)
    await alive(guest)
    await guest.close()


async def test_a_frame_over_daphnes_own_limit_closes_with_1009(served: LiveServer) -> None:
    guest = await visitor_on(served)
    await guest.send(type="message", text="x" * (WEBSOCKET_MAX_MESSAGE_BYTES + 1))
    assert await close_code(guest) == 1009
    await server_still_serves(served)


@pytest.mark.parametrize("route", ["visitor", "counsellor"])
async def test_deeply_nested_json_is_a_malformed_frame_not_a_crash(served: LiveServer,
                                                                  route: str) -> None:
    client = await (visitor_on(served) if route == "visitor" else counsellor_on(served, "hugo"))
    await client.socket.send('{"type": "ping", "x": ' + "[" * 8000 + "]" * 8000 + "}")
    assert (await client.expect("error"))["code"] == "malformed_frame"
    await alive(client)
    await client.close()


async def test_a_flood_closes_with_4029(served: LiveServer) -> None:
    guest = await visitor_on(served)
    for _ in range(FRAME_BURST + MAX_VIOLATIONS + 5):
        await guest.send(type="ping")
    assert await close_code(guest) == CloseCode.ABUSE
    await server_still_serves(served)


async def test_the_counsellor_route_without_a_session_closes_with_4001(
        served: LiveServer) -> None:
    client = await WsClient.open(f"{served.ws_url}/ws/counsellor/", origin=served.url)
    assert await close_code(client) == CloseCode.UNAUTHENTICATED


def staff_cookie(base_url: str, username: str, password: str = "demo") -> str:
    """A session cookie of any staff member, whatever page the login then lands on."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}/login/", timeout=10) as page:
        login_url = page.geturl()
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(login_url, data=body, headers={"Referer": login_url})
    with contextlib.suppress(urllib.error.HTTPError):  # the landing page is not the point
        opener.open(request, timeout=10).read()
    return "sessionid=" + next(c.value for c in jar if c.name == "sessionid")


async def test_the_counsellor_route_for_a_manager_closes_with_4003(served: LiveServer) -> None:
    cookie = await asyncio.to_thread(staff_cookie, served.url, "marc")
    client = await WsClient.open(f"{served.ws_url}/ws/counsellor/", origin=served.url,
                                 cookie=cookie)
    assert await close_code(client) == CloseCode.FORBIDDEN
