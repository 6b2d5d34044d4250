"""Many visitor sockets on one process: what idle ones cost, and how fast they come back.

    python -m bench.sockets idle [--counts 1000,5000,10000] [--seconds 30] [--redis]
    python -m bench.sockets storm [--sockets 2000] [--signal kill|term]

`idle`: one `virtualcite serve` process (embedded, or with `--redis` on a private
redis-server, bench.chat's), then visitor sockets opened up to each count in turn, each
saying `hello` (a fresh page: no token) and waiting for `welcome`, then pinging every 10 s
as the page does (spread evenly over the sockets). Per count: the server's resident memory
(VmRSS) and its growth per socket since before the first socket, and its CPU time per
second of wall time over `--seconds` of idling.

`storm`: one process with `REDIS_URL` (the queue must outlive the process), 2,000 visitors
`hello` and `join` a pole (joins spread at 200/s, each keeps its token), then the server is
killed (SIGKILL by default; `--signal term` stops it the way a deploy does) and started again
on the same port. Every socket reconnects as the page does (0.5 s doubling to 15 s, full
jitter) and sends `hello` with its token. Measured from the signal: when the new process
answered `/healthz`, when all sockets had their `welcome`, how many resumed their place
(`welcome.token` is their token), lost it (`null`), or met an error frame or a refused
connection on the way.

The per-client socket cap is off (`MAX_SOCKETS_PER_CLIENT=0`): every socket comes from
127.0.0.1. One asyncio process is the load generator: its connects and reads share the
machine's cores with the server (and Redis).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from bench.chat import Bench, Process, cpu_seconds, free_port, open_ws
from bench.served import wait_served

POLE = "find-a-job"
PING_EVERY = 10.0  # docs/protocol.md: the page pings every 10 s
CONNECTING = 100  # sockets opening at once
PING = json.dumps({"type": "ping"})


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def greeted(url: str, origin: str, token: str | None = None) -> tuple[ClientConnection,
                                                                         dict[str, Any]]:
    """A socket that said hello, and the server's `welcome`."""
    ws = await open_ws(url, origin)
    await ws.send(json.dumps({"type": "hello", "token": token}))
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") == "welcome":
            return ws, frame
        if frame.get("type") == "error":
            await ws.close()
            raise RuntimeError(f"error frame {frame.get('code')}")
    raise RuntimeError("closed before welcome")


async def drain(ws: ClientConnection) -> None:
    """Read and drop what the server sends (lobby updates, pongs), as a page would."""
    with contextlib.suppress(Exception):
        async for _raw in ws:
            pass


async def pinger(sockets: list[ClientConnection], stop: asyncio.Event) -> None:
    """Each socket pings every PING_EVERY seconds, the pings spread over the interval."""
    while not stop.is_set():
        started = time.perf_counter()
        count = len(sockets)
        if count == 0:
            await asyncio.sleep(0.5)
        for index in range(count):
            if stop.is_set():
                return
            with contextlib.suppress(Exception):
                await sockets[index].send(PING)
            delay = started + (index + 1) * PING_EVERY / count - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)


def start_server(bench: Bench, name: str, port: int, *, redis: bool, prepare: bool = True,
                 queue: int = 0) -> Process:
    extra = ("--queue-capacity", str(queue)) if queue else ()
    server = bench.project_server(name, port, bench.workdir / "data", counsellors=1,
                                  redis=redis, prepare=prepare, extra=extra)
    wait_served(port, alive=server.alive, log=server.log, timeout=120, path="/healthz")
    return server


# --- idle ----------------------------------------------------------------------------------

async def idle(bench: Bench, args: argparse.Namespace) -> list[str]:
    if args.redis:
        bench.start_redis()
    port = free_port()
    server = start_server(bench, "idle", port, redis=args.redis)
    url, origin = f"ws://127.0.0.1:{port}/ws/visitor/", f"http://127.0.0.1:{port}"
    sockets: list[ClientConnection] = []
    readers: list[asyncio.Task[None]] = []
    stop = asyncio.Event()
    rows = []
    pid = server.popen.pid
    try:
        # One socket and back first: the first one imports and warms what every one needs.
        ws, _ = await greeted(url, origin)
        await ws.close()
        await asyncio.sleep(2.0)
        base = rss_kib(pid)
        beat = asyncio.create_task(pinger(sockets, stop))
        opening = asyncio.Semaphore(CONNECTING)
        for count in args.counts:
            async def one() -> None:
                async with opening:
                    ws, _ = await greeted(url, origin)
                sockets.append(ws)
                readers.append(asyncio.create_task(drain(ws)))

            started = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(count - len(sockets))))
            opened = time.perf_counter() - started
            await asyncio.sleep(3.0)  # what the connects left in flight settles
            load = os.getloadavg()[0]
            cpu, wall = cpu_seconds(pid), time.perf_counter()
            await asyncio.sleep(args.seconds)
            cpu_per_s = (cpu_seconds(pid) - cpu) / (time.perf_counter() - wall)
            rss = rss_kib(pid)
            row = (f"| {'redis' if args.redis else 'embedded'} | {count:,} | {rss / 1024:.0f} | "
                   f"{(rss - base) / count:.1f} | {cpu_per_s * 100:.1f} | {opened:.1f} | "
                   f"{load:.1f} |")
            print(row, flush=True)
            rows.append(row)
        stop.set()
        beat.cancel()
    finally:
        stop.set()
        for task in readers:
            task.cancel()
        await asyncio.gather(*(asyncio.wait_for(ws.close(), 5) for ws in sockets),
                             return_exceptions=True)
        server.stop()
    return ["| server | idle sockets | server RSS (MB) | RSS growth per socket (KB) | "
            "server CPU (% of a core) | seconds to open them | load avg |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |", *rows]


# --- storm ---------------------------------------------------------------------------------

class Returning:
    """One visitor: its token, its socket, and when it was welcomed back after the restart."""

    def __init__(self, token: str, ws: ClientConnection) -> None:
        self.token, self.ws = token, ws
        self.back_at: float | None = None
        self.resumed = False
        self.errors = 0
        self.refused = 0

    async def come_back(self, url: str, origin: str, deadline: float) -> None:
        """Wait for the socket to drop, then reconnect as the page does until welcomed."""
        await drain(self.ws)
        delay = 0.5
        while time.perf_counter() < deadline:
            await asyncio.sleep(random.uniform(0, delay))  # nosec B311: jitter
            try:
                ws, welcome = await greeted(url, origin, self.token)
            except Exception:
                self.refused += 1
                delay = min(delay * 2, 15.0)
                continue
            self.back_at = time.perf_counter()
            self.resumed = welcome.get("token") == self.token
            self.ws = ws
            return


async def storm(bench: Bench, args: argparse.Namespace) -> list[str]:
    bench.start_redis()
    port = free_port()
    server = start_server(bench, "storm-0", port, redis=True, queue=args.sockets * 2)
    url, origin = f"ws://127.0.0.1:{port}/ws/visitor/", f"http://127.0.0.1:{port}"
    visitors: list[Returning] = []
    try:
        opening = asyncio.Semaphore(CONNECTING)
        join = json.dumps({"type": "join", "pole": POLE})

        async def one(index: int) -> None:
            await asyncio.sleep(index / 200)  # joins at 200/s: a steady queue, not a burst
            async with opening:
                ws, _ = await greeted(url, origin)
                await ws.send(join)
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "queued":
                        visitors.append(Returning(frame["token"], ws))
                        return
                    if frame.get("type") == "error":
                        raise RuntimeError(f"join refused: {frame.get('code')}")

        await asyncio.gather(*(one(i) for i in range(args.sockets)))
        await asyncio.sleep(2.0)
        load = os.getloadavg()[0]
        deadline = time.perf_counter() + 120.0
        returns = [asyncio.create_task(v.come_back(url, origin, deadline)) for v in visitors]
        killed = time.perf_counter()
        server.popen.send_signal(signal.SIGKILL if args.signal == "kill" else signal.SIGTERM)
        # In threads: the pages keep trying (and being refused) while the server is away.
        await asyncio.to_thread(server.popen.wait, 60)
        server = await asyncio.to_thread(start_server, bench, "storm-1", port, redis=True,
                                         prepare=False)
        serving = time.perf_counter() - killed
        # Where the time to bring everyone back goes: the new server's CPU or the pages'
        # (this process plays all 2,000 of them on the same cores).
        server_cpu, pages_cpu = cpu_seconds(server.popen.pid), cpu_seconds(os.getpid())
        await asyncio.gather(*returns)
        server_cpu = cpu_seconds(server.popen.pid) - server_cpu
        pages_cpu = cpu_seconds(os.getpid()) - pages_cpu
        back = [v.back_at - killed for v in visitors if v.back_at is not None]
        resumed = sum(v.resumed for v in visitors)
        refused = sum(v.refused for v in visitors)
        row = (f"| {len(visitors):,} | {args.signal} | {serving:.1f} | "
               f"{(max(back) if back else float('nan')):.1f} | "
               f"{(sorted(back)[len(back) // 2] if back else float('nan')):.1f} | "
               f"{len(back):,} | {resumed:,} | {len(back) - resumed:,} | {refused:,} | "
               f"{server_cpu:.1f} | {pages_cpu:.1f} | {load:.1f} |")
        print(row, flush=True)
    finally:
        await asyncio.gather(*(asyncio.wait_for(v.ws.close(), 5) for v in visitors),
                             return_exceptions=True)
        server.stop()
    return ["| sockets | signal | new process serving after (s) | all back after (s) | "
            "half back after (s) | back | resumed their place | place lost | "
            "refused connects on the way | new server CPU until all back (s) | "
            "pages' CPU meanwhile (s) | load avg |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            row]


async def main_async(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-sockets-"))
    bench = Bench(argparse.Namespace(frame_limit="on", profile=""), workdir)
    try:
        lines = await (idle(bench, args) if args.mode == "idle" else storm(bench, args))
    finally:
        bench.stop()
    print("\n" + "\n".join(lines) + f"\n\nserver logs: {workdir}")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["idle", "storm"])
    parser.add_argument("--counts", default="1000,5000,10000",
                        type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--signal", choices=["kill", "term"], default="kill")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
