"""Room fan-out benchmark: one message to every member of a 200-member room, on one process.

For each server (the plain Channels tutorial consumer, every socket in one group, in-memory
layer; the project's server embedded, no REDIS_URL) this script starts ONE daphne process on
127.0.0.1 and connects N members with one client implementation (`websockets`, one asyncio
process on the same machine). Only the URL and the handshake differ:

- *tutorial*: N sockets on `/ws/chat/room/`; connecting joins the group.
- *project*: the demo facilitator `nadia` (Django session cookie) `hello`s on
  `/ws/room/club-reconversion/host/` and `open`s the room, whose capacity bench/serve_project.py
  set to at least N; then N participants `hello`, `join`, each seated (`room_welcome` with
  `me.seated`). Every project socket pings every 8 s, staggered, as a page does every 10 s.

Then messages are sent open-loop at a fixed rate per step (5, 10, 20 msg/s), each by the next
member in turn (so no socket comes near the per-socket limit of 5 frames/s, which stays on),
its text carrying its index. A message's latency runs from its SCHEDULED send time to the
moment the LAST of the N members received it (the sender's own copy included, as both servers
send it back), so a client or server that falls behind is counted. Per step: p50 / p99 / max,
messages lost (not received by every member within the drain time) and missing deliveries,
server and client CPU per message. A 1 s warm-up at the first rate is not reported.

Usage: python -m bench.rooms [--rates 5,10,20] [--seconds 30] [--members 200]
                             [--targets tutorial,project] [--json FILE]
                             [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import re
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from bench.chat import Process, base_env, cpu_seconds, free_port, open_ws, percentile
from bench.served import wait_served

ROOM = "club-reconversion"  # the demo's room run by nadia (bench/serve_project.py)
MIN_CAPACITY = 200
TARGET_P99_MS = 50.0
DRAIN_SECONDS = 3.0
COLLAPSE_P99_MS = 1000.0
PING_SECONDS = 8.0
SETUP_TIMEOUT = 10.0
MARK = re.compile(r"room#(\d+)~")
BODY = " Bonjour a tous, quelqu'un a deja fait un bilan de competences ? Ca se passe comment ?"
TARGETS = ("tutorial", "project")
LABELS = {"tutorial": "tutorial consumer, one group, in-memory layer",
          "project": "project room, embedded (no REDIS_URL)"}

Frame = dict[str, Any]


class SetupFailed(RuntimeError):
    """A member could not be seated: says what it got instead."""


# --- clients -----------------------------------------------------------------------------------

@dataclass
class Tally:
    """The current step's scheduled messages, and how many members received each."""

    members: int
    scheduled: dict[int, float] = field(default_factory=dict)
    received: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # to the last member, per message
    errors: list[str] = field(default_factory=list)  # `error` codes the server sent

    def reset(self) -> None:
        self.scheduled.clear()
        self.received.clear()
        self.latencies.clear()
        self.errors.clear()

    def receive(self, ident: int, now: float) -> None:
        due = self.scheduled.get(ident)
        if due is None:
            return
        count = self.received[ident] = self.received.get(ident, 0) + 1
        if count == self.members:
            self.latencies.append(now - due)


class Member:
    """One socket. Its reader counts bench messages; any other frame is parsed, kept among the
    last few (to say what went wrong) and offered to the one frame awaited, if any."""

    def __init__(self, ws: ClientConnection, tally: Tally, *, counted: bool = True) -> None:
        self.ws, self.tally, self.counted = ws, tally, counted
        self.recent: deque[Frame] = deque(maxlen=8)
        self._awaited: tuple[Callable[[Frame], bool], asyncio.Future[Frame]] | None = None
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        tally = self.tally
        with contextlib.suppress(Exception):  # a socket closed: its messages count as lost
            async for raw in self.ws:
                match = MARK.search(raw) if isinstance(raw, str) else None
                if match is not None:
                    if self.counted:
                        tally.receive(int(match.group(1)), time.perf_counter())
                    continue
                frame = json.loads(raw)
                self.recent.append(frame)
                if frame.get("type") == "error":
                    tally.errors.append(str(frame.get("code")))
                awaited = self._awaited
                if awaited is not None and not awaited[1].done() and awaited[0](frame):
                    awaited[1].set_result(frame)

    async def request(self, frame: Frame, answer: Callable[[Frame], bool]) -> Frame:
        """Send `frame`, return the first frame for which `answer` holds."""
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._awaited = (answer, future)
        await self.ws.send(json.dumps(frame))
        try:
            return await asyncio.wait_for(future, SETUP_TIMEOUT)
        except TimeoutError:
            raise SetupFailed(f"no answer to {frame}; last frames: {list(self.recent)}, "
                              f"close code {self.ws.close_code}") from None
        finally:
            self._awaited = None

    async def close(self) -> None:
        self.reader.cancel()
        await self.ws.close()


def of_type(kind: str, **fields: Any) -> Callable[[Frame], bool]:
    return lambda frame: frame.get("type") == kind and all(
        frame.get(key) == value for key, value in fields.items())


@dataclass
class Room:
    """The connected members, how a message is written for this server, and extra sockets."""

    members: list[Member]
    wire: Callable[[int, str], str]
    others: list[Member] = field(default_factory=list)  # the facilitator: not counted

    @property
    def sockets(self) -> list[Member]:
        return self.members + self.others


def tutorial_wire(ident: int, text: str) -> str:
    return json.dumps({"message": text})


def room_wire(ident: int, text: str) -> str:
    return json.dumps({"type": "message", "text": text, "client_id": f"bench-{ident}"})


async def tutorial_room(port: int, count: int, tally: Tally) -> Room:
    origin, url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/chat/room/"
    return Room([Member(await open_ws(url, origin), tally) for _ in range(count)], tutorial_wire)


async def project_room(port: int, count: int, host_cookie: str, tally: Tally) -> Room:
    """The facilitator opens the room, then each participant is greeted and seated."""
    origin, base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/room/{ROOM}"
    host = Member(await open_ws(f"{base}/host/", origin, host_cookie), tally, counted=False)
    welcome = await host.request({"type": "hello"}, of_type("host_welcome"))
    if welcome["room"]["capacity"] < count:
        raise SetupFailed(f"the room seats {welcome['room']['capacity']}, not {count}")
    if welcome["room"]["status"] != "open":
        await host.request({"type": "open"}, of_type("room_status", status="open"))
    members = []
    for index in range(count):
        member = Member(await open_ws(f"{base}/", origin), tally)
        members.append(member)
        await member.request({"type": "hello", "token": None}, of_type("room_welcome"))
        joined = await member.request({"type": "join"}, lambda f: f.get("type") in {
            "room_welcome", "error"})
        if joined["type"] == "error" or not (joined["me"] or {}).get("seated"):
            raise SetupFailed(f"participant {index + 1} of {count} not seated: {joined}")
    return Room(members, room_wire, [host])


async def heartbeat(sockets: list[Member], stop: asyncio.Event) -> None:
    """A `ping` from every socket every PING_SECONDS, spread evenly over the period."""
    gap = PING_SECONDS / max(len(sockets), 1)
    while not stop.is_set():
        for member in sockets:
            try:
                await asyncio.wait_for(stop.wait(), gap)
                return
            except TimeoutError:
                with contextlib.suppress(Exception):
                    await member.ws.send('{"type": "ping"}')


# --- one rate step -----------------------------------------------------------------------------

@dataclass
class Step:
    rate: int
    sent: int = 0
    complete: int = 0  # messages every member received
    missing: int = 0  # deliveries that never came, over all members
    p50: float = float("nan")
    p99: float = float("nan")
    maximum: float = float("nan")
    errors: list[str] = field(default_factory=list)
    skipped: bool = False
    server_cpu_ms: float = float("nan")  # server CPU time per message sent
    client_cpu_ms: float = float("nan")  # the load generator's, likewise

    @property
    def lost(self) -> int:
        return self.sent - self.complete


async def run_step(room: Room, tally: Tally, rate: int, seconds: float, first_id: int,
                   server_pid: int) -> Step:
    gc.collect()
    gc.disable()  # the client's full collections would land in every server's p99
    try:
        return await _run_step(room, tally, rate, seconds, first_id, server_pid)
    finally:
        gc.enable()


async def _run_step(room: Room, tally: Tally, rate: int, seconds: float, first_id: int,
                    server_pid: int) -> Step:
    server_before, own_before = cpu_seconds(server_pid), cpu_seconds(os.getpid())
    tally.reset()
    count, members = int(rate * seconds), room.members
    t0 = time.perf_counter() + 0.2
    for k in range(count):
        due = t0 + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        ident = first_id + k
        tally.scheduled[ident] = due
        with contextlib.suppress(Exception):  # a closed sender: its message is lost
            await members[ident % len(members)].ws.send(room.wire(ident, f"room#{ident}~{BODY}"))
    deadline = time.perf_counter() + DRAIN_SECONDS
    while len(tally.latencies) < len(tally.scheduled) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    latencies = list(tally.latencies)
    step = Step(rate=rate, sent=len(tally.scheduled), complete=len(latencies),
                errors=list(tally.errors))
    step.missing = sum(tally.members - tally.received.get(i, 0) for i in tally.scheduled)
    if latencies:
        step.p50 = percentile(latencies, 0.50) * 1000
        step.p99 = percentile(latencies, 0.99) * 1000
        step.maximum = max(latencies) * 1000
    step.server_cpu_ms = (cpu_seconds(server_pid) - server_before) / max(step.sent, 1) * 1e3
    step.client_cpu_ms = (cpu_seconds(os.getpid()) - own_before) / max(step.sent, 1) * 1e3
    return step


async def measure(room: Room, tally: Tally, rates: list[int], seconds: float,
                  server_pid: int) -> list[Step]:
    warm = await run_step(room, tally, rates[0], 1.0, 0, server_pid)  # not reported
    first_id, steps, collapsed = warm.sent + 1, [], False
    for rate in rates:
        if collapsed:
            steps.append(Step(rate=rate, skipped=True))
            continue
        step = await run_step(room, tally, rate, seconds, first_id, server_pid)
        first_id += step.sent + 1
        steps.append(step)
        print(f"    {rate:>4} msg/s: p50 {step.p50:8.2f} ms  p99 {step.p99:8.2f} ms  "
              f"max {step.maximum:8.2f} ms  sent {step.sent}  lost {step.lost}  "
              f"missing deliveries {step.missing}  errors {step.errors[:5]}  "
              f"server CPU {step.server_cpu_ms:.2f} ms/msg  "
              f"client CPU {step.client_cpu_ms:.2f} ms/msg", flush=True)
        if not step.p99 <= COLLAPSE_P99_MS or step.lost > 0.01 * max(step.sent, 1):
            collapsed = True
        await asyncio.sleep(0.5)
    return steps


# --- servers -----------------------------------------------------------------------------------

@dataclass
class Result:
    target: str
    members: int
    steps: list[Step]
    load: str = ""

    @property
    def knee(self) -> str:
        """The first rate whose p99 passes the target, or that loses a message."""
        for step in self.steps:
            if step.skipped or not step.p99 <= TARGET_P99_MS or step.lost > 0:
                return str(step.rate)
        return f"> {self.steps[-1].rate}" if self.steps else "?"


async def run_target(target: str, args: argparse.Namespace, workdir: Path) -> Result:
    port, tally = free_port(), Tally(args.members)
    env = base_env()
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    if target == "tutorial":
        env["BENCH_CHANNEL_LAYER"] = "memory"
        server = Process([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                          "bench.tutorial_asgi:application"], env, workdir / f"{target}.log")
    else:
        data = workdir / target
        data.mkdir(exist_ok=True)
        # Every participant connects from 127.0.0.1: the per-client cap on anonymous sockets
        # (20 in production, virtualcite/connection_cap.py) would refuse all but the first.
        env.update(VIRTUALCITE_DATA_DIR=str(data), DEBUG="1", MAX_SOCKETS_PER_CLIENT="0")
        host_session = data / "host-session.json"
        server = Process([sys.executable, "-m", "bench.serve_project", "--port", str(port),
                          "--counsellors", "0", "--sessions", str(data / "sessions.json"),
                          "--room-capacity", str(max(MIN_CAPACITY, args.members)),
                          "--host-session", str(host_session)], env, workdir / f"{target}.log")
    room: Room | None = None
    stop = asyncio.Event()
    beat: asyncio.Task[None] | None = None
    try:
        wait_served(port, alive=server.alive, log=server.log, timeout=90,
                    path=None if target == "tutorial" else "/healthz")
        if target == "tutorial":
            room = await tutorial_room(port, args.members, tally)
        else:
            cookie = json.loads(host_session.read_text())
            room = await project_room(port, args.members, cookie, tally)
            beat = asyncio.create_task(heartbeat(room.sockets, stop))
        await asyncio.sleep(1.0)  # let the joins' broadcasts settle
        before = os.getloadavg()[0]
        steps = await measure(room, tally, args.rates, args.seconds, server.popen.pid)
        load = f"{before:.1f} → {os.getloadavg()[0]:.1f}"
        print(f"    load average (1 min) before → after: {load}", flush=True)
        return Result(target, args.members, steps, load)
    finally:
        stop.set()
        if beat is not None:
            beat.cancel()
        for member in room.sockets if room else []:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(member.close(), 2)
        server.stop()


def table(results: list[Result]) -> str:
    lines = ["| server | members | rate (msg/s) | p50 (ms) | p99 (ms) | max (ms) | sent | lost "
             "| server CPU ms/msg | client CPU ms/msg |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        for step in result.steps:
            head = f"| {LABELS[result.target]} | {result.members} | {step.rate} |"
            if step.skipped:
                lines.append(f"{head} skipped (collapsed) | | | | | | |")
                continue
            lines.append(f"{head} {step.p50:.2f} | {step.p99:.2f} | {step.maximum:.1f} | "
                         f"{step.sent} | {step.lost} | {step.server_cpu_ms:.2f} | "
                         f"{step.client_cpu_ms:.2f} |")
    lines += ["", f"| server | knee (first rate with p99 > {TARGET_P99_MS:.0f} ms or a lost "
              "message) | machine load avg (1 min) before → after |", "| --- | ---: | ---: |"]
    lines += [f"| {LABELS[r.target]} | {r.knee} | {r.load} |" for r in results]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-rooms-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    failed = False
    for target in args.targets:
        print(f"== {LABELS[target]}, {args.members} members", flush=True)
        try:
            results.append(await run_target(target, args, workdir))
        except Exception as error:  # one broken server must not hide the other
            failed = True
            print(f"    failed: {error!r} (logs in {workdir})", flush=True)
    print()
    print(table(results))
    print(f"\nserver logs: {workdir}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            [asdict(r) | {"knee": r.knee,
                          "steps": [asdict(s) | {"lost": s.lost} for s in r.steps]}
             for r in results], indent=1))
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="5,10,20",
                        type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--targets", default=",".join(TARGETS),
                        type=lambda s: [t for t in s.split(",") if t])
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument("--workdir", default="", help="for the servers' logs and data "
                        "(default: a new temporary directory)")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets {sorted(unknown)}; choose from {TARGETS}")
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
