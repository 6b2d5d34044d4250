"""Routing under a burst: many visitors join within a second, across one or two processes.

Per run (one per `--processes` count): a private redis-server (bench.chat's), one or two
`virtualcite serve` processes on it sharing one data directory (bench/serve_project.py: the
first prepares the database, the second serves it), and counsellors on shift, each socket on
the processes in turn (capacity 1, pole find-a-job). Then visitors, connected and greeted
beforehand on the processes in turn, send `join` open-loop, evenly spread over `--spread`
seconds. Measured from each join's *scheduled* time (no coordinated omission):

- join → `queued`: the visitor's answer, the place taken (one desk mutation);
- join → `offer`: the frame reaches the counsellor the desk routed the visitor to (the
  offer's `visitor` handle is the HMAC of the visitor's token under the shared SECRET_KEY,
  chat/identity.py, which the bench reads from the data directory). With at least as many
  counsellors as visitors every visitor is offered; nobody accepts, so offers stay pending.

Also: errors (error frames), joins never answered, and the servers' CPU seconds (user +
system, every process, redis-server not included) during the burst per join.

Usage: python -m bench.burst [--visitors 200] [--spread 1.0] [--counsellors 200]
                             [--processes 2,1] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.chat import (
    Bench,
    Client,
    Process,
    Stats,
    cpu_seconds,
    free_port,
    heartbeat,
    open_ws,
    percentile,
)
from bench.served import wait_served

POLE = "find-a-job"
SETUP_TIMEOUT = 120.0
ANSWER_TIMEOUT = 30.0


@dataclass
class Burst:
    """Send and receipt times of one burst, by visitor."""

    scheduled: dict[int, float] = field(default_factory=dict)
    queued: dict[int, float] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)
    offers: dict[str, float] = field(default_factory=dict)  # visitor handle → receipt
    errors: list[str] = field(default_factory=list)


class Desk:
    """The servers of one run, their counsellors and visitors."""

    def __init__(self, ports: list[int], burst: Burst) -> None:
        self.ports, self.burst = ports, burst
        self.clients: list[Client] = []
        self.stats = Stats()

    def url(self, index: int, route: str) -> tuple[str, str]:
        port = self.ports[index % len(self.ports)]
        return f"ws://127.0.0.1:{port}/ws/{route}/", f"http://127.0.0.1:{port}"

    async def counsellor(self, index: int, cookie: str) -> None:
        loop = asyncio.get_running_loop()
        welcome, shift = loop.create_future(), loop.create_future()

        async def on_frame(frame: dict[str, Any]) -> None:
            kind = frame.get("type")
            if kind == "staff_welcome" and not welcome.done():
                welcome.set_result(None)
            elif kind == "shift" and not shift.done():
                shift.set_result(None)
            elif kind == "offer":
                self.burst.offers.setdefault(frame["offer"]["visitor"], time.perf_counter())
            elif kind == "error":
                self.burst.errors.append(str(frame.get("code")))

        url, origin = self.url(index, "counsellor")
        client = Client(await open_ws(url, origin, cookie), "c", self.stats, on_frame)
        self.clients.append(client)
        await client.ws.send(json.dumps({"type": "hello"}))
        await asyncio.wait_for(welcome, 20)
        await client.ws.send(json.dumps({"type": "shift_start", "poles": [POLE], "capacity": 1}))
        await asyncio.wait_for(shift, 20)

    async def visitor(self, index: int) -> Client:
        welcome = asyncio.get_running_loop().create_future()

        async def on_frame(frame: dict[str, Any]) -> None:
            kind = frame.get("type")
            if kind == "welcome" and not welcome.done():
                welcome.set_result(None)
            elif kind == "queued" and index not in self.burst.queued:
                self.burst.queued[index] = time.perf_counter()
                self.burst.tokens[index] = frame["token"]
            elif kind == "error":
                self.burst.errors.append(str(frame.get("code")))

        url, origin = self.url(index, "visitor")
        client = Client(await open_ws(url, origin), "v", self.stats, on_frame)
        self.clients.append(client)
        await client.ws.send(json.dumps({"type": "hello", "token": None}))
        await asyncio.wait_for(welcome, 20)
        return client

    async def close(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), 2)


def handle_of(secret: str, token: str) -> str:
    """chat/identity.py's `visitor_handle`, under the servers' SECRET_KEY."""
    return hmac.new(secret.encode(), b"handle:" + token.encode(),
                    hashlib.sha256).hexdigest()[:16]


@dataclass
class Figures:
    processes: int
    visitors: int
    counsellors: int
    queued: list[float]
    offered: list[float]
    unanswered: int
    errors: int
    cpu_per_join_ms: float
    load: str

    def row(self) -> str:
        def cells(values: list[float]) -> str:
            if not values:
                return "| | |"
            return " | ".join(f"{percentile(values, q) * 1000:.0f}" for q in (0.5, 0.99)) + \
                f" | {max(values) * 1000:.0f}"
        return (f"| {self.processes} | {self.visitors} | {self.counsellors} | "
                f"{cells(self.queued)} | {cells(self.offered)} | {len(self.offered)} | "
                f"{self.unanswered} | {self.errors} | {self.cpu_per_join_ms:.1f} | {self.load} |")


HEADER = ("| processes | visitors | counsellors | join→queued p50 (ms) | p99 | max "
          "| join→offer p50 (ms) | p99 | max | offered | unanswered | errors "
          "| server CPU ms/join | load avg before → after |\n"
          "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: | ---: | --- |")


async def run(bench: Bench, args: argparse.Namespace, processes: int) -> Figures:
    bench.flush_redis()
    data = bench.workdir / f"burst-{processes}"
    ports = [free_port() for _ in range(processes)]
    servers: list[Process] = []
    burst = Burst()
    desk = Desk(ports, burst)
    stop = asyncio.Event()
    beat: asyncio.Task[None] | None = None
    try:
        for index, port in enumerate(ports):
            server = bench.project_server(f"burst-{processes}-{index}", port, data,
                                          counsellors=args.counsellors, redis=True,
                                          prepare=index == 0,
                                          extra=("--queue-capacity", str(args.visitors * 2)))
            servers.append(server)
            wait_served(port, alive=server.alive, log=server.log, timeout=120, path="/healthz")
        cookies = json.loads((data / "sessions.json").read_text())
        secret = (data / "secret_key").read_text().strip()

        async def setup() -> list[Client]:
            for index, cookie in enumerate(cookies):
                await desk.counsellor(index, cookie)
            return [await desk.visitor(index) for index in range(args.visitors)]

        visitors = await asyncio.wait_for(setup(), SETUP_TIMEOUT)
        beat = asyncio.create_task(heartbeat(desk.clients, '{"type": "ping"}', stop))
        await asyncio.sleep(1.0)  # the setup's lobby broadcasts settle
        burst.errors.clear()
        spies = [bench.profile(s, f"burst-{processes}-{i}") for i, s in enumerate(servers)]
        load_before = os.getloadavg()[0]
        cpu_before = sum(cpu_seconds(s.popen.pid) for s in servers)
        join = json.dumps({"type": "join", "pole": POLE})
        t0 = time.perf_counter() + 0.1

        async def send(index: int, client: Client) -> None:
            due = t0 + index * args.spread / args.visitors
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            burst.scheduled[index] = due
            await client.ws.send(join)

        await asyncio.gather(*(send(i, c) for i, c in enumerate(visitors)))
        wanted = min(args.visitors, len(cookies))
        deadline = time.perf_counter() + ANSWER_TIMEOUT
        while time.perf_counter() < deadline and (
                len(burst.queued) < args.visitors or len(burst.offers) < wanted):
            await asyncio.sleep(0.05)
        cpu = sum(cpu_seconds(s.popen.pid) for s in servers) - cpu_before
        for spy in spies:
            if spy is not None:
                spy.popen.send_signal(2)
                spy.popen.wait(timeout=20)
        queued = [burst.queued[i] - burst.scheduled[i] for i in burst.queued]
        offered = []
        for index, token in burst.tokens.items():
            received = burst.offers.get(handle_of(secret, token))
            if received is not None:
                offered.append(received - burst.scheduled[index])
        return Figures(processes, args.visitors, len(cookies), queued, offered,
                       args.visitors - len(burst.queued), len(burst.errors),
                       cpu / args.visitors * 1000,
                       f"{load_before:.1f} → {os.getloadavg()[0]:.1f}")
    finally:
        stop.set()
        if beat is not None:
            beat.cancel()
        await desk.close()
        for server in servers:
            server.stop()


async def main_async(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    bench = Bench(argparse.Namespace(frame_limit="on", profile=args.profile), workdir)
    rows = []
    try:
        bench.start_redis()
        for processes in args.processes:
            print(f"== {processes} process(es)", flush=True)
            figures = await run(bench, args, processes)
            print(HEADER.splitlines()[0] + "\n" + figures.row(), flush=True)
            rows.append(figures.row())
    finally:
        bench.stop()
    print()
    print(HEADER)
    print("\n".join(rows))
    print(f"\nserver logs: {workdir}")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--spread", type=float, default=1.0,
                        help="seconds over which the joins are spread")
    parser.add_argument("--counsellors", type=int, default=200)
    parser.add_argument("--processes", default="2,1",
                        type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--profile", default="",
                        help="a directory: record each server with py-spy during the burst")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
