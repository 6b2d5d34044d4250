"""A rolling upgrade of every process loses nobody (issue 13, graceful drain).

Processes A and B on one Redis. On A: a counsellor in conversation with a visitor, two visitors
waiting behind (the first with two tabs), a visitor talking with a counsellor who is on B, a
visitor offered to a counsellor on B, and an open room with its facilitator and a seated
participant; on B a third waiting visitor.
SIGTERM A: its `/readyz` answers 503 while it drains, every page gets close 1012, follows
docs/protocol.md's rule (a random 0.5-3 s, the same route, `hello` with its token) to B, where
the load balancer (here the test) sends it, and finds its place, its conversation or its seat;
A exits 0. Then a new A' starts, B is stopped the same way, and everybody moves to A'. At no
point is anyone requeued, ended, offered or routed again, and messages pass both ways after
each move.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import random
import signal
from pathlib import Path
from typing import Any, Protocol

import pytest
from websockets import ConnectionClosed

from rooms.frames import ROOM_SERVER_FRAMES
from tests.e2e.journeys import accept_offer, room_joined
from tests.e2e.live_server import LiveServer, start_two_daphnes
from tests.e2e.ws_client import WsClient, login_cookie
from tests.nginx_server import EXECUTABLE, MISSING, UPSTREAM_HEADER, NginxServer
from virtualcite.realtime.protocol import CloseCode

pytestmark = pytest.mark.redis

# What a move between processes must never cause (docs/protocol.md, Server frames).
DISRUPTIONS = {"requeued", "ended", "offer", "offer_gone", "calling", "matched", "transferred",
               "left", "conversation_closed", "error", "room_left"}
ROOM = "club-reconversion"  # the demo's, run by nadia
JITTER = random.Random(13)


class Served(Protocol):
    """Where a page connects: a daphne process, or the load balancer in front of them."""

    @property
    def url(self) -> str: ...

    @property
    def ws_url(self) -> str: ...


class Page:
    """One page, across the sockets it opens; it reconnects as docs/protocol.md says."""

    def __init__(self, name: str, client: WsClient, hello: dict[str, Any], welcome: str,
                 route: str, cookie: str | None = None) -> None:
        self.name = name
        self.frames = client.frames
        self.client = client
        self.hello = hello
        self.welcome = welcome
        self.route = route
        self.cookie = cookie
        self.earlier: list[dict[str, Any]] = []  # the frames of the sockets closed since `mark`
        self.mark = 0  # where, in the current socket's frames, the move began
        self.expected: set[str] = set()  # what this page may be told again after a move

    def begin_move(self) -> None:
        self.earlier, self.mark = [], len(self.client.seen)

    async def follow_restart(self, live: Served) -> dict[str, Any]:
        """Read until the server closes the socket; it must be 1012. Then come back to `live`
        as the doc says: its welcome."""
        code = await self.closed()
        assert code == CloseCode.SERVICE_RESTART, f"{self.name}: closed with {code}"
        return await self.come_back(live)

    async def closed(self) -> int | None:
        """Read (keeping every frame) until the server closes the socket; its close code."""
        try:
            while True:
                self.client.seen.append(json.loads(await self.client.socket.recv()))
        except ConnectionClosed as closed:
            self.earlier += self.client.seen[self.mark:]
            return closed.rcvd.code if closed.rcvd else None

    async def come_back(self, live: Served) -> dict[str, Any]:
        """Wait the doc's random 0.5-3 s, open the same route on `live` and say `hello`."""
        await asyncio.sleep(JITTER.uniform(0.5, 3.0))  # the client's rule, not a wait on state
        self.client = await WsClient.open(f"{live.ws_url}{self.route}", origin=live.url,
                                          cookie=self.cookie, frames=self.frames)
        await self.client.send(**self.hello)
        self.mark = 0
        return await self.client.expect(self.welcome)

    async def catch_up(self) -> None:
        """Read what the server sent so far: the `pong` comes after it on the socket."""
        await self.client.send(type="ping")
        await self.client.expect("pong")

    def disruptions(self) -> list[str]:
        """What the page was told since the move began that a move must never cause."""
        frames = self.earlier + self.client.seen[self.mark:]
        return [frame["type"] for frame in frames
                if frame["type"] in DISRUPTIONS - self.expected
                or (frame["type"] == "calling" and not frame["active"])]  # the offer passed on


async def counsellor_page(server: Served, username: str, pole: str) -> Page:
    cookie = await asyncio.to_thread(login_cookie, server.url, username)
    client = await WsClient.open(f"{server.ws_url}/ws/counsellor/", origin=server.url,
                                 cookie=cookie)
    await client.send(type="hello")
    await client.expect("staff_welcome")
    await client.send(type="shift_start", poles=[pole], capacity=1)
    await client.expect("staff_state")
    return Page(username, client, {"type": "hello"}, "staff_welcome", "/ws/counsellor/",
                cookie)


async def visitor_page(server: Served, name: str, pole: str) -> tuple[Page, WsClient]:
    """A visitor's page waiting in `pole`'s queue."""
    client = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
    await client.send(type="hello", token=None)
    await client.expect("welcome")
    await client.send(type="join", pole=pole)
    token = (await client.expect("queued"))["token"]
    return Page(name, client, {"type": "hello", "token": token}, "welcome",
                "/ws/visitor/"), client


async def second_tab(server: LiveServer, of: Page) -> Page:
    client = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
    await client.send(**of.hello)
    await client.expect("welcome")
    return Page(f"{of.name}, tab 2", client, of.hello, "welcome", "/ws/visitor/")


async def room_pages(server: LiveServer) -> tuple[Page, Page]:
    """Nadia's page of the open room, and a seated participant's."""
    cookie = await asyncio.to_thread(login_cookie, server.url, "nadia")
    route = f"/ws/room/{ROOM}/host/"
    client = await WsClient.open(f"{server.ws_url}{route}", origin=server.url, cookie=cookie,
                                 frames=ROOM_SERVER_FRAMES)
    await client.send(type="hello")
    await client.expect("host_welcome")
    await client.send(type="open")
    await client.expect("room_status", status="open")
    host = Page("nadia", client, {"type": "hello"}, "host_welcome", route, cookie)
    seated, me = await room_joined(server, ROOM)
    assert me["seated"]
    token = next(frame["token"] for frame in seated.seen if frame.get("token"))
    participant = Page("rita", seated, {"type": "hello", "token": token}, "room_welcome",
                       f"/ws/room/{ROOM}/")
    return host, participant


def readyz_while_draining(server: LiveServer) -> list[tuple[int, str, str | None]]:
    """`/readyz` asked again and again on one kept-alive connection, opened before the signal,
    until the process closes it: each answer after the first, with its `Connection` header."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/readyz")
    first = connection.getresponse()
    assert (first.status, first.read()) == (200, b"ok")
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    answers: list[tuple[int, str, str | None]] = []
    try:
        while True:
            connection.request("GET", "/readyz")
            response = connection.getresponse()
            answers.append((response.status, response.read().decode(),
                            response.getheader("connection")))
    except (ConnectionError, http.client.HTTPException, OSError):
        return answers
    finally:
        connection.close()


async def rolling_stop(stopped: LiveServer, live: LiveServer, pages: list[Page],
                       everyone: list[Page]) -> dict[str, dict[str, Any]]:
    """SIGTERM `stopped` while its pages follow the restart to `live`: their welcomes."""
    for page in everyone:
        page.begin_move()
    answers, *welcomes = await asyncio.gather(
        asyncio.to_thread(readyz_while_draining, stopped),
        *(page.follow_restart(live) for page in pages))
    # Ready until the signal is handled; then not ready, and the kept-alive connection is
    # closed after that answer (so that no load balancer keeps sending requests to it).
    assert answers[-1] == (503, "draining", "close"), answers
    said = [answer[:2] for answer in answers]
    assert said == sorted(said), answers  # never ready again once draining
    assert set(said) <= {(200, "ok"), (503, "draining")}, answers
    assert stopped.process is not None
    assert await asyncio.to_thread(stopped.process.wait, 60) == 0, stopped.log()[-2000:]
    stopped.process = None
    assert not [line for line in stopped.log().splitlines()
                if '"logger": "virtualcite' in line and '"level": "INFO"' not in line]
    return {page.name: welcome for page, welcome in zip(pages, welcomes, strict=True)}


def waiting_at(welcome: dict[str, Any], position: int) -> bool:
    state = welcome["state"]
    return bool(state["status"] == "waiting" and state["position"] == position
                and not state["disconnected"])


async def both_ways(counsellor: Page, visitor: Page, conversation: str, words: str) -> None:
    await visitor.client.send(type="message", text=f"{words} (visitor)", client_id=words)
    heard = await counsellor.client.expect("message", sender="visitor")
    assert heard["conversation"] == conversation
    await counsellor.client.send(type="message", conversation=conversation,
                                 text=f"{words} (counsellor)")
    await visitor.client.expect("message", sender="counsellor")


async def test_a_rolling_upgrade_of_every_process_loses_nobody(tmp_path: Path,
                                                              redis_url: str) -> None:
    a, b = start_two_daphnes(tmp_path, redis_url)
    a_again = LiveServer(tmp_path, redis_url=redis_url, demo=False)
    try:
        await _upgrade_every_process(a, b, a_again)
    finally:
        for server in (a, b, a_again):
            server.stop()


async def _upgrade_every_process(a: LiveServer, b: LiveServer, a_again: LiveServer) -> None:
    camille = await counsellor_page(a, "camille", "find-a-job")
    talking, talking_client = await visitor_page(a, "talking", "find-a-job")
    with_camille = await accept_offer(camille.client, talking_client)
    first, _ = await visitor_page(a, "first", "find-a-job")
    first_again = await second_tab(a, first)
    second, _ = await visitor_page(a, "second", "find-a-job")
    third, _ = await visitor_page(b, "third", "find-a-job")
    karim = await counsellor_page(b, "karim", "find-training")
    vera, vera_client = await visitor_page(a, "vera", "find-training")
    with_karim = await accept_offer(karim.client, vera_client)
    hugo = await counsellor_page(b, "hugo", "change-career")
    olga, _ = await visitor_page(a, "olga", "change-career")
    offer = (await hugo.client.expect("offer"))["offer"]
    olga.expected = {"calling"}  # the new page is told again that Hugo is calling
    nadia, rita = await room_pages(a)
    rita_handle = next(frame["me"]["handle"] for frame in rita.client.seen
                       if frame["type"] == "room_welcome" and frame["me"])
    await both_ways(camille, talking, with_camille, "before")
    await both_ways(karim, vera, with_karim, "before")

    # A is upgraded: its pages move to B; B's own pages stay where they are.
    everyone = [camille, talking, first, first_again, second, third, karim, vera, hugo, olga,
                nadia, rita]
    welcomes = await rolling_stop(a, b, [camille, talking, first, first_again, second, vera,
                                         olga, nadia, rita], everyone)
    assert waiting_at(welcomes["first"], 1) and waiting_at(welcomes["first, tab 2"], 1)
    assert waiting_at(welcomes["second"], 2)
    room_kept(welcomes, rita_handle)
    await _check_conversations(welcomes, with_camille, with_karim)
    await both_ways(camille, talking, with_camille, "on B")
    await both_ways(karim, vera, with_karim, "across B")
    await nobody_disrupted(everyone)
    # The offer made before the move stood through it (no `offer_gone`): Hugo accepts it.
    assert welcomes["olga"]["state"]["status"] == "waiting"
    await hugo.client.send(type="accept", visitor=offer["visitor"])
    await olga.client.expect("matched")
    with_hugo = (await hugo.client.expect("conversation"))["conversation"]["id"]

    # A' replaces A; then B is upgraded: everybody moves to A'.
    await asyncio.to_thread(a_again.start)
    welcomes = await rolling_stop(b, a_again, everyone, everyone)
    assert waiting_at(welcomes["first"], 1) and waiting_at(welcomes["first, tab 2"], 1)
    assert waiting_at(welcomes["second"], 2) and waiting_at(welcomes["third"], 3)
    room_kept(welcomes, rita_handle)
    await _check_conversations(welcomes, with_camille, with_karim)
    await both_ways(camille, talking, with_camille, "on A'")
    await both_ways(karim, vera, with_karim, "on A' too")
    await both_ways(hugo, olga, with_hugo, "on A', after an offer that stood")
    await nobody_disrupted(everyone)
    for page in everyone:
        await page.client.close()


async def nobody_disrupted(pages: list[Page]) -> None:
    for page in pages:
        await page.catch_up()
    assert {page.name: page.disruptions() for page in pages} == {page.name: [] for page in pages}


def room_kept(welcomes: dict[str, dict[str, Any]], handle: str) -> None:
    """The room is still open under its facilitator, the participant still seated in it."""
    assert welcomes["nadia"]["room"]["status"] == "open"
    me = welcomes["rita"]["me"]
    assert me is not None and me["seated"] and me["handle"] == handle


async def _check_conversations(welcomes: dict[str, dict[str, Any]], with_camille: str,
                               with_karim: str) -> None:
    """Each counsellor finds their shift and their one conversation; each visitor theirs."""
    for counsellor, conversation in (("camille", with_camille), ("karim", with_karim)):
        if counsellor not in welcomes:
            continue
        state = welcomes[counsellor]["state"]
        assert state["shift"] is not None, counsellor
        assert [c["id"] for c in state["conversations"]] == [conversation], counsellor
        assert state["offers"] == [], counsellor
    for visitor, conversation in (("talking", with_camille), ("vera", with_karim)):
        state = welcomes[visitor]["state"]
        assert (state["status"], state["conversation"]) == ("chatting", conversation), visitor


@pytest.mark.skipif(EXECUTABLE is None, reason=MISSING)
async def test_behind_nginx_the_pages_of_a_stopped_process_come_back_through_the_same_url(
        tmp_path: Path, redis_url: str) -> None:
    """The load balancer does the test's part: nginx (the shipped deploy/nginx.conf) finds the
    stopped process's port closed, so the pages reconnecting to nginx's own URL all land on
    the other process."""
    a, b = start_two_daphnes(tmp_path, redis_url)
    edge = NginxServer(tmp_path, [a.port, b.port])
    try:
        edge.start()
        await _stop_one_behind(edge, a, b)
    finally:
        edge.stop()
        for server in (a, b):
            server.stop()


def upstream(page: Page) -> str:
    """The daphne nginx sent the page's socket to (tests/nginx_server.py's header)."""
    response = page.client.socket.response
    assert response is not None
    return str(response.headers[UPSTREAM_HEADER])


async def _stop_one_behind(edge: NginxServer, a: LiveServer, b: LiveServer) -> None:
    camille = await counsellor_page(edge, "camille", "find-a-job")
    talking, talking_client = await visitor_page(edge, "talking", "find-a-job")
    conversation = await accept_offer(camille.client, talking_client)
    waiting = [(await visitor_page(edge, f"waiting {n}", "find-a-job"))[0] for n in range(1, 5)]
    pages = [camille, talking, *waiting]
    on_a = {page.name for page in pages if upstream(page) == f"127.0.0.1:{a.port}"}
    assert 0 < len(on_a) < len(pages), "least_conn shares the pages between the processes"
    for page in pages:
        page.begin_move()
    closing = {page.name: asyncio.create_task(page.closed()) for page in pages if page.name in on_a}
    assert a.process is not None
    a.process.send_signal(signal.SIGTERM)
    codes = {name: await task for name, task in closing.items()}
    assert set(codes.values()) == {CloseCode.SERVICE_RESTART}, codes
    assert await asyncio.to_thread(a.process.wait, 60) == 0
    a.process = None

    moved = [page for page in pages if page.name in on_a]
    welcomes = {page.name: await page.come_back(edge) for page in moved}
    # Served by B, whichever nginx tried first (A's closed port, passed over: "A, B").
    assert {upstream(page).split(", ")[-1] for page in pages} == {f"127.0.0.1:{b.port}"}
    for name, welcome in welcomes.items():
        if name.startswith("waiting"):
            assert waiting_at(welcome, int(name.split()[1])), name
        elif name == "talking":
            assert welcome["state"]["conversation"] == conversation
        else:
            assert [c["id"] for c in welcome["state"]["conversations"]] == [conversation]
    await nobody_disrupted(pages)
    await both_ways(camille, talking, conversation, "after the move")
    for page in pages:
        await page.client.close()
