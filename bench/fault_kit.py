"""What the fault suite (bench/faults.py) is made of: pages, a rig of real processes, tables.

A `Page` is one websocket held the way the reference page holds it: a reader task takes every
frame as it arrives (validated against the protocol's server frames) and stamps it with the
bench's monotonic clock, so a figure is the time a user would have seen the change, and a
`ping` goes out every 10 s. A `Rig` is what a fault needs: a private redis-server on a free
port and one or two `virtualcite serve` processes on it, with the demo data (DEBUG=1), all
started by the project's own test helpers and stopped whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Origin

from chat.frames import SERVER_FRAMES
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import login_cookie
from tests.redis_server import RedisServer

Frame = dict[str, Any]
Match = Callable[[Frame], bool]

# The reference page's heartbeat (docs/protocol.md, Heartbeats: HEARTBEAT_SECONDS).
HEARTBEAT_SECONDS = 10.0
# Every client on this machine comes from 127.0.0.1: the per-address socket cap (20 by
# default, docs/protocol.md "Limits at the edge") would refuse the 21st visitor of a scenario
# that queues 20 visitors and a talking one. `0` turns the cap off; nothing else changes.
SERVER_ENV = {"MAX_SOCKETS_PER_CLIENT": "0"}


class PageClosed(Exception):
    """The socket closed while a frame was awaited on it."""


class NotSeen(Exception):
    """The awaited frame did not come in time."""


def kind(type_: str, **fields: Any) -> Match:
    """A frame of this type whose named fields have these values."""
    return lambda f: f["type"] == type_ and all(f.get(k) == v for k, v in fields.items())


class Page:
    """One websocket, read continuously; every frame kept with its arrival time."""

    def __init__(self, name: str, socket: ClientConnection, *, heartbeat: bool) -> None:
        self.name = name
        self.socket = socket
        self.frames: list[tuple[float, Frame]] = []
        self.closed_at: float | None = None
        self.close_code: int | None = None
        self._news = asyncio.Condition()
        self._reader = asyncio.create_task(self._read(), name=f"read-{name}")
        self._heart = asyncio.create_task(self._beat(), name=f"ping-{name}") if heartbeat else None

    @classmethod
    async def open(cls, name: str, server: LiveServer, route: str, *, cookie: str | None = None,
                   heartbeat: bool = True, keepalive: bool = True) -> Page:
        """`keepalive=False`: the client library sends no websocket pings of its own (a frozen
        machine sends nothing at all)."""
        socket = await websockets.connect(
            f"{server.ws_url}/ws/{route}/", origin=Origin(server.url), open_timeout=10,
            additional_headers={"Cookie": cookie} if cookie else None,
            ping_interval=20 if keepalive else None, max_queue=None)
        return cls(name, socket, heartbeat=heartbeat)

    async def _read(self) -> None:
        try:
            async for text in self.socket:
                frame = json.loads(text)
                SERVER_FRAMES.validate_python(frame)
                async with self._news:
                    self.frames.append((time.monotonic(), frame))
                    self._news.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed_at = time.monotonic()
            self.close_code = self.socket.close_code
            async with self._news:
                self._news.notify_all()

    async def _beat(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await asyncio.sleep(HEARTBEAT_SECONDS)
                await self.send(type="ping")

    def stop_heartbeat(self) -> None:
        if self._heart is not None:
            self._heart.cancel()

    async def send(self, **frame: Any) -> None:
        await self.socket.send(json.dumps(frame))

    def mark(self) -> int:
        """An index into the frames: `first(..., after=mark)` looks only at later ones."""
        return len(self.frames)

    def found(self, match: Match, after: int = 0) -> tuple[float, Frame] | None:
        return next(((at, f) for at, f in self.frames[after:] if match(f)), None)

    async def first(self, match: Match, timeout: float, *, after: int = 0,
                    what: str = "frame") -> tuple[float, Frame]:
        """The first frame from `after` on that matches: (arrival time, frame)."""
        async def look() -> tuple[float, Frame]:
            async with self._news:
                while True:
                    hit = self.found(match, after)
                    if hit is not None:
                        return hit
                    if self.closed_at is not None:
                        raise PageClosed(f"{self.name} closed ({self.close_code}) awaiting {what}")
                    await self._news.wait()
        try:
            return await asyncio.wait_for(look(), timeout)
        except TimeoutError:
            seen = [f["type"] for _, f in self.frames[after:]]
            raise NotSeen(f"{self.name}: no {what} within {timeout:.0f} s; saw {seen}") from None

    async def closed(self, timeout: float) -> float | None:
        """When the socket closed, waiting up to `timeout`; None if it is still open."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.closed_at

    async def close(self) -> None:
        self.stop_heartbeat()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.socket.close(), 5)
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader

    def screen(self) -> tuple[str, int | None]:
        """What the page shows now, its frames applied as docs/protocol.md says: full states
        replace the screen, events apply in order, a `position` older than the last applied
        version is ignored."""
        status, position, version = "idle", None, 0
        for _, f in self.frames:
            t = f["type"]
            if t in ("welcome", "state"):
                state = f["state"]
                status, position, version = state["status"], state["position"], state["version"]
            elif t == "queued" or (t == "position" and f["version"] >= version):
                status, position, version = "waiting", f["position"], f["version"]
            elif t == "matched":
                status, position = "chatting", None
            elif t in ("ended", "left", "blocked"):
                status, position = "idle", None
            elif t == "requeued":
                status = "waiting"
        return status, position


# --- journeys (docs/protocol.md "Journeys, message by message") ---------------------------

async def visitor(server: LiveServer, name: str, token: str | None = None) -> Page:
    """A page opened and greeted: `hello` → `welcome`."""
    page = await Page.open(name, server, "visitor")
    await page.send(type="hello", token=token)
    await page.first(kind("welcome"), 15, what="welcome")
    return page


async def join(page: Page, pole: str) -> Frame:
    """`join` → `queued` (the token and the place)."""
    mark = page.mark()
    await page.send(type="join", pole=pole)
    _, answer = await page.first(lambda f: f["type"] in ("queued", "error"), 15, after=mark,
                                 what="queued")
    if answer["type"] == "error":
        raise RuntimeError(f"{page.name}: join refused: {answer['code']}")
    return answer


async def counsellor(server: LiveServer, username: str, poles: list[str], *, capacity: int,
                     keepalive: bool = True) -> Page:
    """Logged in like a browser, greeted, on shift: `hello`, `shift_start` → `staff_state`."""
    cookie = await asyncio.to_thread(login_cookie, server.url, username)
    page = await Page.open(username, server, "counsellor", cookie=cookie, keepalive=keepalive)
    await page.send(type="hello")
    await page.first(kind("staff_welcome"), 15, what="staff_welcome")
    mark = page.mark()
    await page.send(type="shift_start", poles=poles, capacity=capacity)
    await page.first(kind("staff_state"), 15, after=mark, what="staff_state")
    return page


async def conversation(staff: Page, guest: Page, pole: str) -> tuple[str, str]:
    """The guest joins, the counsellor accepts the offer: (conversation id, visitor token)."""
    mark, guest_mark = staff.mark(), guest.mark()
    token = (await join(guest, pole))["token"]
    _, offer = await staff.first(kind("offer"), 15, after=mark, what="offer")
    await staff.send(type="accept", visitor=offer["offer"]["visitor"])
    _, opened = await staff.first(kind("conversation"), 15, after=mark, what="conversation")
    await guest.first(kind("matched"), 15, after=guest_mark, what="matched")
    return opened["conversation"]["id"], token


async def probe(server: LiveServer, token: str) -> Frame:
    """What the desk holds for `token`, as a reloaded page learns it: `welcome.state`."""
    page = await Page.open("probe", server, "visitor", heartbeat=False)
    try:
        await page.send(type="hello", token=token)
        _, welcome = await page.first(kind("welcome"), 15, what="welcome")
        return dict(welcome["state"])
    finally:
        await page.close()


async def probe_all(server: LiveServer, tokens: Sequence[str]) -> list[Frame]:
    return [await probe(server, token) for token in tokens]


# --- the processes -------------------------------------------------------------------------

@dataclass
class Rig:
    redis: RedisServer
    servers: list[LiveServer]
    pages: list[Page] = field(default_factory=list)

    def keep(self, page: Page) -> Page:
        """Closed with the rig."""
        self.pages.append(page)
        return page


@contextlib.asynccontextmanager
async def rig(workdir: Path, processes: int) -> AsyncIterator[Rig]:
    """A private Redis and `processes` daphne processes on it (the first loads the demo data);
    everything is stopped on the way out, even after a failure."""
    redis_dir = workdir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    redis = RedisServer(redis_dir)
    servers: list[LiveServer] = []
    built = Rig(redis, servers)
    try:
        await asyncio.to_thread(redis.start)
        for index in range(processes):
            # One after the other: both migrate the same SQLite database at start.
            server = LiveServer(workdir, redis_url=redis.url, demo=index == 0,
                                extra_env=SERVER_ENV)
            servers.append(server)
            await asyncio.to_thread(server.start)
        yield built
    finally:
        for page in built.pages:
            await page.close()
        for server in servers:
            await asyncio.to_thread(server.stop)
        await asyncio.to_thread(redis.stop, save=False)


# --- figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """One row of a scenario's table: a time (`seconds`) gets min/median/max."""

    key: str
    label: str
    expected: str
    check: Callable[[Any], bool] | None = None
    seconds: bool = False


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(measures: Sequence[Measure], runs: Sequence[dict[str, Any]]) -> str:
    """A markdown table: each run's value, min/median/max of times, and whether every run
    met the expectation. A measure a run left out (not measured in that mode) is skipped;
    one measured as None (it never happened) fails its expectation."""
    lines = ["| measure | expected | each run | min | median | max | as expected |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for measure in measures:
        values = [run[measure.key] for run in runs if measure.key in run]  # else not measured
        if not values:
            continue
        cells = ["", "", ""]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if measure.seconds and numbers:
            cells = [f"{min(numbers):.2f}", f"{statistics.median(numbers):.2f}",
                     f"{max(numbers):.2f}"]
        verdict = ""
        if measure.check is not None:
            verdict = "yes" if all(v is not None and measure.check(v) for v in values) \
                else "**NO**"
        each = ", ".join(_shown(v) for v in values)
        lines.append(f"| {measure.label} | {measure.expected} | {each} | "
                     f"{' | '.join(cells)} | {verdict} |")
    return "\n".join(lines)
