"""Chat message benchmark: open-loop pairs of real websocket clients against one daphne process.

For each target (the plain Channels tutorial consumer with the in-memory layer and with
channels_redis's pub/sub layer; the project's server embedded, and with REDIS_URL) this script
starts ONE daphne process on 127.0.0.1, connects N pairs of websocket clients, then sends chat
messages at a fixed aggregate rate per step (500, 1000, ... msg/s), spread evenly over the pairs
and alternating direction (visitor → counsellor, counsellor → visitor). Each message's latency
runs from its SCHEDULED send time to its receipt at the OTHER end of the pair, so a client or
server that falls behind shows up in the figures (no coordinated omission). Per step: p50 / p99 /
max latency, messages delivered per second, messages lost (not received within the drain time).
The knee is the first rate whose p99 passes 10 ms (or that loses messages).

Project pairs are set up through the real protocol: bench counsellors (capacity 1, pole
find-a-job, created by bench/serve_project.py in the bench's own database) log in with a Django
session cookie, `hello`, `shift_start`; a visitor `hello`, `join`; the offered counsellor
`accept`s; both ends learn the conversation (`matched` / `conversation`). Every socket pings
every 8 s so no lease expires during the run.

`project-redis-2` runs two project processes on the same Redis and database: counsellors and
visitors open their sockets on either (see `project_pairs`), so about half the pairs cross
processes; its server CPU is both processes' together.

The load generator is one asyncio process on the same machine as the server: its own CPU use is
part of every figure, the same for every target. Its garbage collector is paused during each
step (its own full passes took 15-20 ms, which every target's p99 would have carried); the
servers' collectors are left as each server configures them.

Usage: python -m bench.chat [--rates 500,1000,2000,4000,8000] [--seconds 5] [--pairs 50]
                            [--targets tutorial-memory,tutorial-pubsub,project,project-redis,
                                      project-redis-2]
                            [--frame-limit off|on] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from bench.served import wait_served

KNEE_P99_MS = 10.0
DRAIN_SECONDS = 3.0
COLLAPSE_P99_MS = 1000.0
PING_SECONDS = 8.0
SETUP_TIMEOUT = 60.0
MARK = re.compile(r"msg#(\d+)([vc])~")
BODY = " Bonjour, je cherche une formation en alternance pres de Lyon, vous pouvez m'aider ?"
TARGETS = ("tutorial-memory", "tutorial-pubsub", "project", "project-redis", "project-redis-2")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- processes ---------------------------------------------------------------------------------

class Process:
    """A child process logging to a file, always stopped (terminate, then kill) at the end."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)


def base_env() -> dict[str, str]:
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
            "VIRTUALCITE_DATA_DIR", "DATABASE_URL"}
    return {k: v for k, v in os.environ.items() if k not in drop}


# --- clients -----------------------------------------------------------------------------------

@dataclass
class Stats:
    """Scheduled send times of the current step, and latencies measured at the other end."""

    scheduled: dict[int, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    last_receipt: float = 0.0
    errors: int = 0


class Client:
    """One websocket; a reader task measures bench messages and hands other frames to `on_frame`."""

    def __init__(self, ws: ClientConnection, role: str, stats: Stats,
                 on_frame: Callable[[dict[str, Any]], Awaitable[None]] | None = None) -> None:
        self.ws, self.role, self.stats, self.on_frame = ws, role, stats, on_frame
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        stats, mine = self.stats, self.role
        try:
            async for raw in self.ws:
                match = MARK.search(raw) if isinstance(raw, str) else None
                if match is not None:
                    if match.group(2) != mine:  # the other end's message: measure it
                        now = time.perf_counter()
                        sent = stats.scheduled.get(int(match.group(1)))
                        if sent is not None:
                            stats.latencies.append(now - sent)
                            stats.last_receipt = now
                    continue
                if self.on_frame is not None:
                    frame = json.loads(raw)
                    if frame.get("type") == "error":
                        stats.errors += 1
                    await self.on_frame(frame)
        except Exception:  # a closed socket ends its reader; counted as lost messages
            stats.errors += 1

    async def close(self) -> None:
        self.reader.cancel()
        await self.ws.close()


@dataclass
class Pair:
    visitor: Client
    counsellor: Client
    conversation: str | None  # None for the tutorial
    wire: Callable[[str, str | None], str]

    def frame(self, sender: str, text: str) -> str:
        return self.wire(text, self.conversation if sender == "c" else None)


def desk_wire(text: str, conversation: str | None) -> str:
    frame: dict[str, Any] = {"type": "message", "text": text}
    if conversation is not None:
        frame["conversation"] = conversation
    return json.dumps(frame)


def tutorial_wire(text: str, conversation: str | None) -> str:
    return json.dumps({"message": text})


async def open_ws(url: str, origin: str, cookie: str | None = None) -> ClientConnection:
    headers = [("Cookie", f"sessionid={cookie}")] if cookie else None
    return await connect(url, origin=Origin(origin), additional_headers=headers,
                         compression=None, ping_interval=None, max_queue=None, open_timeout=20)


async def tutorial_pairs(port: int, count: int, stats: Stats) -> list[Pair]:
    origin, pairs = f"http://127.0.0.1:{port}", []
    for index in range(count):
        url = f"ws://127.0.0.1:{port}/ws/chat/pair{index}/"
        visitor = Client(await open_ws(url, origin), "v", stats)
        counsellor = Client(await open_ws(url, origin), "c", stats)
        pairs.append(Pair(visitor, counsellor, None, tutorial_wire))
    return pairs


async def project_pairs(ports: list[int], cookies: list[str], stats: Stats) -> list[Pair]:
    """Counsellors on shift, then visitors one by one: join → offer → accept → matched.

    With two servers (`ports`), counsellor i opens on server i mod 2 and visitor j on server
    j div 2 mod 2: the desk routes each visitor to whoever is free, on either process.
    """
    def origin_base(port: int) -> tuple[str, str]:
        return f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"

    loop = asyncio.get_running_loop()

    def counsellor_handler(box: dict[str, Any]) -> Callable[[dict[str, Any]], Awaitable[None]]:
        async def handle(frame: dict[str, Any]) -> None:
            kind = frame.get("type")
            if kind == "staff_welcome":
                if not box["welcome"].done():
                    box["welcome"].set_result(frame)
            elif kind == "shift":
                if not box["shift"].done():
                    box["shift"].set_result(frame)
            elif kind == "offer":
                await box["client"].ws.send(json.dumps(
                    {"type": "accept", "visitor": frame["offer"]["visitor"]}))
            elif kind == "conversation" and not box["conversation"].done():
                box["conversation"].set_result(frame["conversation"]["id"])
        return handle

    boxes = []
    for index, cookie in enumerate(cookies):
        origin, base = origin_base(ports[index % len(ports)])
        box: dict[str, Any] = {"welcome": loop.create_future(), "shift": loop.create_future(),
                               "conversation": loop.create_future()}
        ws = await open_ws(f"{base}/ws/counsellor/", origin, cookie)
        box["client"] = Client(ws, "c", stats, counsellor_handler(box))
        await ws.send(json.dumps({"type": "hello"}))
        await asyncio.wait_for(box["welcome"], 10)
        await ws.send(json.dumps({"type": "shift_start", "poles": ["find-a-job"], "capacity": 1}))
        await asyncio.wait_for(box["shift"], 10)
        boxes.append(box)

    pairs = []
    for index in range(len(cookies)):
        origin, base = origin_base(ports[index // 2 % len(ports)])
        matched: asyncio.Future[dict[str, Any]] = loop.create_future()

        async def visitor_handle(frame: dict[str, Any], matched: Any = matched) -> None:
            if frame.get("type") == "matched" and not matched.done():
                matched.set_result(frame)
            elif frame.get("type") == "error" and not matched.done():
                matched.set_exception(RuntimeError(f"visitor error: {frame}"))

        ws = await open_ws(f"{base}/ws/visitor/", origin)
        visitor = Client(ws, "v", stats, visitor_handle)
        await ws.send(json.dumps({"type": "hello", "token": None}))
        await ws.send(json.dumps({"type": "join", "pole": "find-a-job"}))
        frame = await asyncio.wait_for(matched, 10)
        conversation = frame["conversation"]
        owner = None
        for box in boxes:
            fut = box["conversation"]
            if fut.done() and fut.result() == conversation and not box.get("paired"):
                owner = box
                break
        if owner is None:  # the counsellor's `conversation` frame may trail the `matched`
            for _attempt in range(100):
                await asyncio.sleep(0.01)
                owner = next((b for b in boxes if b["conversation"].done() and not b.get(
                    "paired") and b["conversation"].result() == conversation), None)
                if owner:
                    break
        if owner is None:
            raise RuntimeError("no counsellor saw the conversation")
        owner["paired"] = True
        pairs.append(Pair(visitor, owner["client"], conversation, desk_wire))
    return pairs


async def heartbeat(clients: list[Client], frame: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), PING_SECONDS)
        except TimeoutError:
            for client in clients:
                with contextlib.suppress(Exception):
                    await client.ws.send(frame)


# --- one rate step -----------------------------------------------------------------------------

@dataclass
class Step:
    rate: int
    sent: int = 0
    received: int = 0
    p50: float = 0.0
    p99: float = 0.0
    maximum: float = 0.0
    delivered_per_s: float = 0.0
    errors: int = 0
    skipped: bool = False
    server_cpu_us: float = float("nan")  # server CPU time per message sent in the step
    client_cpu_us: float = float("nan")  # the load generator's, likewise

    @property
    def lost(self) -> int:
        return self.sent - self.received


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): robust to a busy machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


async def run_step(pairs: list[Pair], stats: Stats, rate: int, seconds: float,
                   first_id: int, server_pids: tuple[int, ...] = ()) -> Step:
    gc.collect()
    gc.disable()
    try:
        return await _run_step(pairs, stats, rate, seconds, first_id, server_pids)
    finally:
        gc.enable()


async def _run_step(pairs: list[Pair], stats: Stats, rate: int, seconds: float,
                    first_id: int, server_pids: tuple[int, ...]) -> Step:
    def server_cpu() -> float:
        return sum(cpu_seconds(pid) for pid in server_pids)

    cpu_before, own_before = server_cpu(), cpu_seconds(os.getpid())
    count = int(rate * seconds)
    stats.scheduled.clear()
    stats.latencies.clear()
    stats.errors = 0
    stats.last_receipt = 0.0
    n = len(pairs)
    t0 = time.perf_counter() + 0.2

    async def drive(index: int) -> None:
        pair = pairs[index]
        for j, k in enumerate(range(index, count, n)):
            due = t0 + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sender = "v" if j % 2 == 0 else "c"
            ident = first_id + k
            stats.scheduled[ident] = due
            client = pair.visitor if sender == "v" else pair.counsellor
            try:
                await client.ws.send(pair.frame(sender, f"msg#{ident}{sender}~{BODY}"))
            except Exception:
                stats.errors += 1
                return

    senders = [asyncio.create_task(drive(i)) for i in range(n)]
    # Every loop is bounded: the senders by their count, and by the step's time limit here.
    _done, pending = await asyncio.wait(senders, timeout=seconds * 4 + 10)
    for task in pending:
        task.cancel()
    deadline = time.perf_counter() + DRAIN_SECONDS
    while len(stats.latencies) < len(stats.scheduled) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    latencies = list(stats.latencies)
    step = Step(rate=rate, sent=len(stats.scheduled), received=len(latencies), errors=stats.errors)
    if latencies:
        step.p50 = percentile(latencies, 0.50) * 1000
        step.p99 = percentile(latencies, 0.99) * 1000
        step.maximum = max(latencies) * 1000
        span = max(seconds, stats.last_receipt - t0)
        step.delivered_per_s = len(latencies) / span
    step.server_cpu_us = (server_cpu() - cpu_before) / max(step.sent, 1) * 1e6
    step.client_cpu_us = (cpu_seconds(os.getpid()) - own_before) / max(step.sent, 1) * 1e6
    return step


async def measure(pairs: list[Pair], stats: Stats, rates: list[int], seconds: float,
                  server_pids: tuple[int, ...]) -> list[Step]:
    steps: list[Step] = []
    collapsed = False
    # A 1-second warm-up at the first rate (not reported): imports, first group adds, caches.
    warm = await run_step(pairs, stats, rates[0], 1.0, 0, server_pids)
    first_id = warm.sent + 1
    for rate in rates:
        if collapsed:
            steps.append(Step(rate=rate, skipped=True))
            continue
        step = await run_step(pairs, stats, rate, seconds, first_id, server_pids)
        first_id += step.sent + 1
        steps.append(step)
        print(f"    {rate:>6} msg/s: p50 {step.p50:8.2f} ms  p99 {step.p99:9.2f} ms  "
              f"max {step.maximum:9.2f} ms  delivered {step.delivered_per_s:8.0f}/s  "
              f"lost {step.lost}  errors {step.errors}  "
              f"server CPU {step.server_cpu_us:.0f} us/msg  "
              f"client CPU {step.client_cpu_us:.0f} us/msg", flush=True)
        if step.p99 > COLLAPSE_P99_MS or step.lost > 0.01 * max(step.sent, 1):
            collapsed = True
        await asyncio.sleep(0.5)
    return steps


# --- targets -----------------------------------------------------------------------------------

@dataclass
class Result:
    target: str
    steps: list[Step]
    load: str = ""

    @property
    def knee(self) -> str:
        for step in self.steps:
            if step.skipped or step.p99 > KNEE_P99_MS or step.lost > 0:
                return f"{step.rate:,}"
        return f"> {self.steps[-1].rate:,}" if self.steps else "?"


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.redis: Process | None = None
        self.redis_url = ""

    def start_redis(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        port = free_port()
        self.redis = Process([executable, "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
                             base_env(), self.workdir / "redis.log")
        wait_served(port, alive=self.redis.alive, log=self.redis.log, timeout=20)
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def flush_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        client.flushall()
        client.close()

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()

    def profile(self, server: Process, name: str) -> Process | None:
        if not self.args.profile:
            return None
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(py_spy).exists():
            print("    (py-spy not found: no profile)")
            return None
        out = Path(self.args.profile) / f"{name}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        return Process([py_spy, "record", "--pid", str(server.popen.pid), "--format", "raw",
                        "--rate", "200", "--nonblocking", "--output", str(out)],
                       base_env(), self.workdir / f"py-spy-{name}.log")

    def project_server(self, name: str, port: int, data: Path, *, counsellors: int,
                       redis: bool, prepare: bool = True, extra: tuple[str, ...] = ()) -> Process:
        """`bench.serve_project` on `port`, its database and sessions in `data`; a second
        process on the same `data` (and Redis) serves the first one's (`prepare=False`)."""
        data.mkdir(exist_ok=True)
        env = base_env()
        # Every bench visitor connects from 127.0.0.1: the per-client socket cap (20 in
        # production, virtualcite/connection_cap.py) would refuse all but the first ones.
        env.update(VIRTUALCITE_DATA_DIR=str(data), DEBUG="1", MAX_SOCKETS_PER_CLIENT="0",
                   PYTHONPATH=str(Path(__file__).resolve().parent.parent))
        if redis:
            env["REDIS_URL"] = self.redis_url
        command = [sys.executable, "-m", "bench.serve_project", "--port", str(port),
                   "--counsellors", str(counsellors), "--sessions", str(data / "sessions.json"),
                   "--frame-limit", self.args.frame_limit]
        command += [*extra] + ([] if prepare else ["--no-prepare"])
        return Process(command, env, self.workdir / f"{name}.log")

    async def run_target(self, target: str) -> Result:
        port = free_port()
        stats = Stats()
        env = base_env()
        if target.startswith("tutorial"):
            env["BENCH_CHANNEL_LAYER"] = "memory" if target == "tutorial-memory" else self.redis_url
            env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
            server = Process([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                              "bench.tutorial_asgi:application"], env,
                             self.workdir / f"{target}.log")
        else:
            if target.startswith("project-redis"):
                self.flush_redis()
            data = self.workdir / target
            sessions = data / "sessions.json"
            server = self.project_server(target, port, data, counsellors=self.args.pairs,
                                         redis=target.startswith("project-redis"))
        servers, ports = [server], [port]
        spy: Process | None = None
        pairs: list[Pair] = []
        stop = asyncio.Event()
        beat: asyncio.Task[None] | None = None
        try:
            wait_served(port, alive=server.alive, log=server.log, timeout=90,
                        path=None if target.startswith("tutorial") else "/healthz")
            if target == "project-redis-2":  # a second process on the same Redis and data
                ports.append(free_port())
                servers.append(self.project_server(f"{target}-b", ports[1], data,
                                                   counsellors=self.args.pairs, redis=True,
                                                   prepare=False))
                wait_served(ports[1], alive=servers[1].alive, log=servers[1].log, timeout=90,
                            path="/healthz")
            if target.startswith("tutorial"):
                pairs = await asyncio.wait_for(tutorial_pairs(port, self.args.pairs, stats),
                                               SETUP_TIMEOUT)
            else:
                cookies = json.loads(sessions.read_text())
                pairs = await asyncio.wait_for(project_pairs(ports, cookies, stats),
                                               SETUP_TIMEOUT)
                clients = [c for p in pairs for c in (p.visitor, p.counsellor)]
                beat = asyncio.create_task(heartbeat(clients, '{"type": "ping"}', stop))
            await asyncio.sleep(1.0)  # let the setup's lobby broadcasts settle
            spy = self.profile(server, target)
            before = os.getloadavg()[0]
            steps = await measure(pairs, stats, self.args.rates, self.args.seconds,
                                  tuple(s.popen.pid for s in servers))
            load = f"{before:.1f} → {os.getloadavg()[0]:.1f}"
            print(f"    load average (1 min) before → after: {load}", flush=True)
            return Result(target, steps, load)
        finally:
            stop.set()
            if beat is not None:
                beat.cancel()
            if spy is not None:
                spy.popen.wait(timeout=0.1) if not spy.alive() else spy.popen.send_signal(2)
                try:
                    spy.popen.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    spy.stop()
            for pair in pairs:
                for client in (pair.visitor, pair.counsellor):
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(client.close(), 2)
            for each in servers:
                each.stop()


LABELS = {
    "tutorial-memory": "tutorial consumer, in-memory layer",
    "tutorial-pubsub": "tutorial consumer, redis pub/sub layer",
    "project": "project, embedded (no REDIS_URL)",
    "project-redis": "project, REDIS_URL (pub/sub layer + redis store)",
    "project-redis-2": "project, REDIS_URL, two processes",
}


def table(results: list[Result]) -> str:
    lines = ["| server | rate (msg/s) | p50 (ms) | p99 (ms) | max (ms) | delivered/s | lost "
             "| server CPU µs/msg | client CPU µs/msg |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        for step in result.steps:
            if step.skipped:
                lines.append(f"| {LABELS[result.target]} | {step.rate:,} | skipped (collapsed) "
                             "| | | | | | |")
                continue
            lines.append(f"| {LABELS[result.target]} | {step.rate:,} | {step.p50:.2f} | "
                         f"{step.p99:.2f} | {step.maximum:.1f} | {step.delivered_per_s:,.0f} | "
                         f"{step.lost} | {step.server_cpu_us:.0f} | {step.client_cpu_us:.0f} |")
    lines += ["", "| server | knee (first rate with p99 > 10 ms or a lost message) "
              "| machine load avg (1 min) before → after |", "| --- | ---: | ---: |"]
    lines += [f"| {LABELS[r.target]} | {r.knee} | {r.load} |" for r in results]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    bench = Bench(args, workdir)
    results: list[Result] = []
    try:
        if any(t == "tutorial-pubsub" or t.startswith("project-redis") for t in args.targets):
            bench.start_redis()
        for target in args.targets:
            print(f"== {LABELS[target]}", flush=True)
            try:
                results.append(await bench.run_target(target))
            except Exception as error:  # one broken target must not hide the others
                print(f"    failed: {error!r} (logs in {workdir})", flush=True)
    finally:
        bench.stop()
    print()
    print(table(results))
    print(f"\nserver logs: {workdir}")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="500,1000,2000,4000,8000",
                        type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--targets", default=",".join(TARGETS),
                        type=lambda s: [t for t in s.split(",") if t])
    parser.add_argument("--frame-limit", choices=["on", "off"], default="off",
                        help="the project's per-socket limit of 5 frames/s (default off: see "
                             "bench/serve_project.py)")
    parser.add_argument("--profile", default="",
                        help="a directory: record each server with py-spy during the steps")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets {sorted(unknown)}; choose from {TARGETS}")
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
