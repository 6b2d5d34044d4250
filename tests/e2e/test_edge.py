"""The doors of a production `virtualcite serve` (DEBUG off), tried from other loopback addresses.

Clients bind their sockets to 127.0.0.2 and beyond: addresses the server never prints (it
listens on 127.0.0.1), so finding one in the log can only mean a client address leaked.
127.0.0.3 plays the reverse proxy (TRUSTED_PROXIES); 127.0.0.4 and .6 are clients behind it.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import re
import secrets
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import websockets
from websockets.asyncio.client import connect

from tests.e2e.live_server import LiveServer
from virtualcite.realtime.protocol import CloseCode

CLIENT = "127.0.0.2"
PROXY = "127.0.0.3"
BEHIND_PROXY = "127.0.0.4"
OTHER_BEHIND_PROXY = "127.0.0.6"
FROZEN = "127.0.0.7"
OTHER = "127.0.0.5"
CLIENT_ADDRESSES = (CLIENT, PROXY, BEHIND_PROXY, OTHER_BEHIND_PROXY, FROZEN, OTHER)
CAP = 3  # MAX_SOCKETS_PER_CLIENT for this server: small, so a test can reach it
OPERATOR_TOKEN = secrets.token_urlsafe(32)
PASSWORD = "a password of the e2e staff, " + secrets.token_hex(8)

STAFF = """
import django
django.setup()
from django.contrib.auth.models import Group, User
from virtualcite.models import Pole, StaffProfile
for username, role in (("e2e-counsellor", "counsellor"), ("e2e-manager", "manager")):
    user = User.objects.create_user(username, password={password!r})
    user.groups.add(Group.objects.get(name=role))
    profile = StaffProfile.objects.create(user=user, display_name=username)
    profile.poles.set(Pole.objects.filter(slug="find-a-job"))
"""


@dataclass
class Frozen:
    """A raw socket that says `hello` and then never answers a ping (a frozen machine)."""

    pinged: threading.Event = field(default_factory=threading.Event)
    dropped: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = Path(tmp_path_factory.mktemp("edge"))
    live = LiveServer(data, debug=False, demo=False, extra_env={
        "LOG_LEVEL": "DEBUG", "TRUSTED_PROXIES": PROXY, "MAX_SOCKETS_PER_CLIENT": str(CAP),
        "OPERATOR_TOKEN": OPERATOR_TOKEN})
    live.seed(STAFF.format(password=PASSWORD))
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def frozen(server: LiveServer) -> Frozen:
    """Started with the server, so its ~23 s run overlaps the other tests of the module."""
    state = Frozen()
    threading.Thread(target=_freeze, args=(server, state), daemon=True).start()
    return state


def _freeze(server: LiveServer, state: Frozen) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60,
                                    source_address=(FROZEN, 0))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws/visitor/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Origin: {server.url}\r\n\r\n").encode())
    reader = sock.makefile("rb")
    while reader.readline() not in (b"\r\n", b""):
        pass  # the 101 answer's headers
    hello = json.dumps({"type": "hello", "token": None}).encode()
    mask = os.urandom(4)
    sock.sendall(bytes([0x81, 0x80 | len(hello)]) + mask
                 + bytes(b ^ mask[i % 4] for i, b in enumerate(hello)))
    try:
        while True:  # read what the server sends, never answer its pings
            head = reader.read(2)
            if len(head) < 2:
                break
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack(">H", reader.read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", reader.read(8))[0]
            reader.read(length)
            if opcode == 0x9:
                state.pinged.set()
            if opcode == 0x8:
                break
    except OSError:
        pass
    state.dropped.set()
    sock.close()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


def request(server: LiveServer, method: str, path: str, *, source: str = CLIENT,
            headers: dict[str, str] | None = None, body: str | None = None) -> Answer:
    """One HTTP request from `source`, redirects not followed (as the doc's client sees them)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15,
                                            source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def cookies_of(answer: Answer) -> dict[str, str]:
    found = {}
    for header in answer.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name] = rest.split(";", 1)[0]
    return found


def log_in_as_documented(server: LiveServer, username: str, password: str) -> Answer:
    """docs/protocol.md, "Counsellor authentication", word for word."""
    first = request(server, "GET", "/login/")
    assert first.status == 302
    page = request(server, "GET", first.headers["Location"])
    csrf = cookies_of(page)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token.group(1)})
    return request(server, "POST", "/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"{server.url}/login/"})


async def open_ws(server: LiveServer, path: str, *, source: str = CLIENT,
                  headers: dict[str, str] | None = None) -> websockets.ClientConnection:
    return await connect(f"{server.ws_url}{path}", origin=websockets.Origin(server.url),
                         additional_headers=headers, local_addr=(source, 0), open_timeout=10,
                         proxy=None)


async def close_code(socket: websockets.ClientConnection) -> int | None:
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await asyncio.wait_for(socket.recv(), 10)
    return socket.close_code


async def frames_until(socket: websockets.ClientConnection, *kinds: str) -> dict[str, object]:
    """The next frame of one of `kinds`, skipping others."""
    while True:
        frame: dict[str, object] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if frame["type"] in kinds:
            return frame


def test_the_documented_login_works_and_the_counsellor_socket_opens(server: LiveServer) -> None:
    answer = log_in_as_documented(server, "e2e-counsellor", PASSWORD)
    assert answer.status == 302
    assert answer.headers["Location"] == "/fr/staff/"
    session = cookies_of(answer)["sessionid"]
    landing = request(server, "GET", "/fr/staff/", headers={"Cookie": f"sessionid={session}"})
    assert landing.headers["Location"] == "/fr/desk/"

    async def desk() -> None:
        socket = await open_ws(server, "/ws/counsellor/",
                               headers={"Cookie": f"sessionid={session}"})
        await socket.send(json.dumps({"type": "hello"}))
        welcome = await frames_until(socket, "staff_welcome")
        assert welcome["type"] == "staff_welcome"
        await socket.close()

    asyncio.run(desk())


def test_a_manager_lands_on_their_page(server: LiveServer) -> None:
    answer = log_in_as_documented(server, "e2e-manager", PASSWORD)
    session = cookies_of(answer)["sessionid"]
    page = request(server, "GET", answer.headers["Location"],
                   headers={"Cookie": f"sessionid={session}"})
    assert page.status == 200
    assert "Ouvrir l’administration" in page.body


def test_pages_carry_a_strict_csp_and_a_permissions_policy(server: LiveServer) -> None:
    for path in ("/fr/", "/fr/library/find-a-job/", "/fr/login/", "/admin/login/"):
        answer = request(server, "GET", path)
        assert answer.status == 200, path
        policy = answer.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "camera=()" in answer.headers["Permissions-Policy"]
        assert "geolocation=()" in answer.headers["Permissions-Policy"]
    home = request(server, "GET", "/fr/")
    nonce = re.search(r"'nonce-([^']+)'", home.headers["Content-Security-Policy"])
    assert nonce and f'<style nonce="{nonce.group(1)}">' in home.body
    assert 'style="' not in home.body


def test_hsts_and_https_only_from_the_trusted_proxy(server: LiveServer) -> None:
    proxied = request(server, "GET", "/fr/", source=PROXY,
                      headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": BEHIND_PROXY})
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"
    spoofed = request(server, "GET", "/fr/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers  # a client's own claim is dropped


def test_readyz_details_only_with_the_operator_token(server: LiveServer) -> None:
    anonymous = request(server, "GET", "/readyz")
    assert (anonymous.status, anonymous.body) == (200, "ok")
    operator = request(server, "GET", "/readyz",
                       headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert json.loads(operator.body)["checks"]["database"] == "ok"


def test_a_client_above_the_socket_cap_is_closed_with_4030(server: LiveServer) -> None:
    async def scenario() -> None:
        mine = [await open_ws(server, "/ws/visitor/") for _ in range(CAP)]
        extra = await open_ws(server, "/ws/visitor/")
        assert await close_code(extra) == CloseCode.TOO_MANY_SOCKETS
        neighbour = await open_ws(server, "/ws/visitor/", source=OTHER)
        await neighbour.send(json.dumps({"type": "hello", "token": None}))
        assert (await frames_until(neighbour, "welcome"))["type"] == "welcome"
        # Behind the proxy, each forwarded client has its own count.
        behind = [await open_ws(server, "/ws/visitor/", source=PROXY,
                                headers={"X-Forwarded-For": BEHIND_PROXY}) for _ in range(CAP)]
        refused = await open_ws(server, "/ws/visitor/", source=PROXY,
                                headers={"X-Forwarded-For": BEHIND_PROXY})
        assert await close_code(refused) == CloseCode.TOO_MANY_SOCKETS
        other = await open_ws(server, "/ws/visitor/", source=PROXY,
                              headers={"X-Forwarded-For": OTHER_BEHIND_PROXY})
        await other.send(json.dumps({"type": "hello", "token": None}))
        assert (await frames_until(other, "welcome"))["type"] == "welcome"
        await mine[0].close()
        again = await welcomed_after_retries(server)  # one closed: room again
        for open_socket in [*mine[1:], neighbour, *behind, other, again]:
            await open_socket.close()

    asyncio.run(scenario())


def test_every_refusal_at_the_edge_has_its_documented_answer(server: LiveServer) -> None:
    async def scenario() -> None:
        # A message above daphne's 64 KiB: closed with 1009 (docs/protocol.md, Limits at the edge).
        socket = await open_ws(server, "/ws/visitor/", source=OTHER)
        await socket.send("x" * (64 * 1024 + 1))
        assert await close_code(socket) == 1009
        # A foreign origin: the upgrade is answered 403, no socket.
        with pytest.raises(websockets.InvalidStatus) as refused:
            await connect(f"{server.ws_url}/ws/visitor/",
                          origin=websockets.Origin("http://evil.example"),
                          local_addr=(CLIENT, 0), proxy=None)
        assert refused.value.response.status_code == 403

    asyncio.run(scenario())


async def welcomed_after_retries(server: LiveServer) -> websockets.ClientConnection:
    """Retry as the doc says after 4030: the server counts a socket until its consumer ends,
    a moment after the client saw its close."""
    for _ in range(50):
        socket = await open_ws(server, "/ws/visitor/")
        try:
            await socket.send(json.dumps({"type": "hello", "token": None}))
            await frames_until(socket, "welcome")
            return socket
        except websockets.ConnectionClosed:
            assert socket.close_code == CloseCode.TOO_MANY_SOCKETS
            await asyncio.sleep(0.1)
    raise AssertionError("no room after a socket of the client closed")


def test_a_frozen_peer_is_pinged_then_dropped_within_the_desks_liveness(
        server: LiveServer, frozen: Frozen) -> None:
    # Daphne's defaults would ping after 20 s and drop 30 s later (~50 s); ours: 11 s + 10 s.
    assert frozen.pinged.wait(timeout=30), "daphne never pinged the silent socket"
    assert frozen.dropped.wait(timeout=20), "the socket that never answered stayed open"


def test_at_debug_no_log_line_holds_a_client_address(server: LiveServer,
                                                     frozen: Frozen) -> None:
    # Traffic of every kind from the client addresses: pages, a 404, a refused origin, a wrong
    # login, a visitor's join, the tests above (login, desk socket, cap refusals, a dropped
    # frozen socket: this test waits for it).
    request(server, "GET", "/fr/library/no-such-pole/")
    log_in_as_documented(server, "e2e-manager", "wrong password")

    async def visitor() -> None:
        socket = await open_ws(server, "/ws/visitor/", source=OTHER)
        await socket.send(json.dumps({"type": "hello", "token": None}))
        await frames_until(socket, "welcome")
        await socket.send(json.dumps({"type": "join", "pole": "find-a-job"}))
        await frames_until(socket, "queued", "error")  # `pole_closed` outside opening hours
        await socket.close()
        with pytest.raises(websockets.InvalidStatus):
            await connect(f"{server.ws_url}/ws/visitor/", origin=websockets.Origin(
                "http://evil.example"), local_addr=(CLIENT, 0), proxy=None)

    asyncio.run(visitor())
    assert frozen.dropped.wait(timeout=45)
    log = server.log()
    assert '"logger": "daphne.http_protocol"' in log, "DEBUG lines of daphne expected"
    assert '"level": "DEBUG"' in log
    for address in CLIENT_ADDRESSES:
        assert address not in log, f"{address} in the log"
