"""The fault suite: what a user sees when a part of the service fails, measured from outside.

Each scenario builds its own world from a plain checkout: a private redis-server on a free
port (never the machine's 6379) and one or two real `virtualcite serve` processes on it with
the demo data (DEBUG=1, the project's test helpers tests/redis_server.py and
tests/e2e/live_server.py), then real websocket clients that behave as the reference page does
(bench/fault_kit.py). It breaks one part, and measures, on the client side, how long the
user waits and what they lose. Times run from the fault (the kill, the freeze, Redis
answering again) to the frame that tells the user, on the bench's monotonic clock. Figures go
to docs/reliability.md with their command; nothing here is asserted by a test.

Scenarios (`--scenario NAME`):
  counsellor-process-killed  the counsellor's daphne SIGKILLed mid-conversation (2 processes)
  counsellor-frozen          the counsellor's machine freezes: no frame, no pong
  redis-restarted            Redis restarted with its data (SHUTDOWN SAVE, start)
  redis-empty                Redis comes back empty (killed, its snapshot deleted)
  messages-redis-outage      chat messages sent every 250 ms through a Redis outage (5 s)
  visitor-process-killed     the daphne holding waiting visitors SIGKILLed; they reconnect

Usage: python -m bench.faults [--repeat 3] [--scenario NAME] [--quick] [--visitors 20]
                              [--outage 5] [--interval 0.25] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import itertools
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import websockets

from bench.fault_kit import (
    Frame,
    Measure,
    NotSeen,
    Page,
    PageClosed,
    Rig,
    conversation,
    counsellor,
    join,
    kind,
    probe_all,
    rig,
    table,
    visitor,
)
from tests.e2e.live_server import LiveServer

POLE = "find-a-job"
OTHER_POLE = "find-training"  # a new join there never moves a place in POLE's queue
# From chat/presence.py, chat/core/model.py and virtualcite/cli.py (docs/protocol.md,
# Heartbeats): a lease of 20 s renewed by a 2 s step; a dropped counsellor keeps 3 s; daphne
# pings after 11 s of silence and drops the socket 7 s later.
LEASE_SECONDS = 20.0
STEP_SECONDS = 2.0
LIVENESS_SECONDS = 25.0
# The visitor route admits 5 frames/s sustained (docs/protocol.md, Limits): 4 messages a
# second stay under it, so a refusal is the fault's, never the rate limit's.
MESSAGE_INTERVAL_SECONDS = 0.25
OUTAGE_SECONDS = 5.0
# How long a figure may take before the scenario gives up on it: well past every bound.
PATIENCE = 60.0


@dataclass(frozen=True)
class Settings:
    visitors: int
    quick: bool
    outage: float = OUTAGE_SECONDS
    interval: float = MESSAGE_INTERVAL_SECONDS


Run = dict[str, Any]
Scenario = Callable[[Path, Settings], Awaitable[Run]]


def no_more_than(bound: float) -> Callable[[Any], bool]:
    return lambda v: v <= bound


def equals(expected: Any) -> Callable[[Any], bool]:
    return lambda v: v == expected


def lost_places(states: list[Frame], chatting: frozenset[int] = frozenset()) -> int:
    """Visitors the desk holds as neither waiting nor talking (index in `chatting`: talking)."""
    return sum(1 for index, state in enumerate(states)
               if state["status"] != ("chatting" if index in chatting else "waiting"))


# --- 1. the counsellor's process killed ----------------------------------------------------

async def counsellor_process_killed(workdir: Path, settings: Settings) -> Run:
    """Visitors on process A, the counsellor on B; B is SIGKILLed mid-conversation."""
    async with rig(workdir, processes=2) as world:
        a, b = world.servers
        staff = world.keep(await counsellor(b, "camille", [POLE], capacity=1))
        talking = world.keep(await visitor(a, "talking"))
        waiting = world.keep(await visitor(a, "waiting"))
        conv, talking_token = await conversation(staff, talking, POLE)
        waiting_token = (await join(waiting, POLE))["token"]
        mark, waiting_mark = talking.mark(), waiting.mark()

        killed = time.monotonic()
        await asyncio.to_thread(b.kill)
        ended_at, ended = await talking.first(kind("ended", conversation=conv), PATIENCE,
                                              after=mark, what="ended")
        requeued_at, requeued = await talking.first(kind("requeued"), PATIENCE, after=mark,
                                                    what="requeued")
        moved_at, _ = await waiting.first(kind("position", position=2), PATIENCE,
                                          after=waiting_mark, what="position 2")
        talking_state, waiting_state = await probe_all(a, [talking_token, waiting_token])
        return {
            "requeued": requeued_at - killed,
            "ended": ended_at - killed,
            "moved": moved_at - killed,
            "reason": requeued["reason"] == "counsellor_lost" and ended["reason"] ==
            "counsellor_lost",
            "lost": lost_places([talking_state, waiting_state]),
            "head": talking_state["position"] == 1 and waiting_state["position"] == 2,
        }


COUNSELLOR_PROCESS_KILLED = [
    Measure("requeued", "kill → talking visitor's `requeued` (s)",
            f"≤ {LEASE_SECONDS + STEP_SECONDS:.0f} (20 s lease + 2 s step)",
            no_more_than(LEASE_SECONDS + STEP_SECONDS), seconds=True),
    Measure("ended", "kill → talking visitor's `ended` (s)", "just before `requeued`",
            seconds=True),
    Measure("moved", "kill → waiting visitor's `position` 2 (s)", "with `requeued`",
            seconds=True),
    Measure("reason", "`ended` and `requeued` say `counsellor_lost`", "yes", equals(True)),
    Measure("lost", "places lost (neither waiting nor talking)", "0", equals(0)),
    Measure("head", "requeued visitor at place 1, the other at 2", "yes", equals(True)),
]


# --- 2. the counsellor frozen --------------------------------------------------------------

async def counsellor_frozen(workdir: Path, settings: Settings) -> Run:
    """The counsellor's client stops reading and sending (its transport paused, no
    websocket keepalive of its own): the server hears silence, its ping goes unanswered."""
    async with rig(workdir, processes=1) as world:
        (a,) = world.servers
        staff = world.keep(await counsellor(a, "camille", [POLE], capacity=1, keepalive=False))
        talking = world.keep(await visitor(a, "talking"))
        waiting = world.keep(await visitor(a, "waiting"))
        conv, talking_token = await conversation(staff, talking, POLE)
        waiting_token = (await join(waiting, POLE))["token"]
        mark = talking.mark()

        # The last sign of life: a `ping` answered; then nothing, either way.
        staff_mark = staff.mark()
        await staff.send(type="ping")
        await staff.first(kind("pong"), 10, after=staff_mark, what="pong")
        staff.stop_heartbeat()
        staff.socket.transport.pause_reading()
        frozen = time.monotonic()
        requeued_at, requeued = await talking.first(kind("requeued"), PATIENCE, after=mark,
                                                    what="requeued")
        ended = talking.found(kind("ended", conversation=conv), mark)
        talking_state, waiting_state = await probe_all(a, [talking_token, waiting_token])
        # Thawed: what the frozen client finds (the server dropped it: 1006, no close frame).
        staff.socket.transport.resume_reading()
        await staff.closed(10)
        return {
            "requeued": requeued_at - frozen,
            "reason": requeued["reason"] == "counsellor_lost" and ended is not None
            and ended[1]["reason"] == "counsellor_lost",
            "lost": lost_places([talking_state, waiting_state]),
            "head": talking_state["position"] == 1 and waiting_state["position"] == 2,
            "dropped": staff.close_code,
        }


COUNSELLOR_FROZEN = [
    Measure("requeued", "freeze → talking visitor's `requeued` (s)",
            f"≤ {LIVENESS_SECONDS:.0f} (11 + 2 ping, 7 timeout, 3 lease, 2 step)",
            no_more_than(LIVENESS_SECONDS), seconds=True),
    Measure("reason", "`ended` and `requeued` say `counsellor_lost`", "yes", equals(True)),
    Measure("lost", "places lost", "0", equals(0)),
    Measure("head", "requeued visitor at place 1, the other at 2", "yes", equals(True)),
    Measure("dropped", "close code the thawed counsellor finds", "1006", equals(1006)),
]


# --- 3 and 4. Redis restarted, with its data or empty -------------------------------------

async def desk_with_queue(world: Rig, server: LiveServer,
                          visitors: int) -> tuple[Page, Page, list[Page], str, list[str]]:
    """A conversation on POLE, then `visitors` waiting behind it in arrival order."""
    staff = world.keep(await counsellor(server, "camille", [POLE], capacity=1))
    talking = world.keep(await visitor(server, "talking"))
    conv, talking_token = await conversation(staff, talking, POLE)
    queue, tokens = [], []
    for index in range(visitors):
        page = world.keep(await visitor(server, f"waiting-{index + 1}"))
        tokens.append((await join(page, POLE))["token"])
        queue.append(page)
    return staff, talking, queue, conv, [talking_token, *tokens]


async def greeted(server: LiveServer, name: str) -> Page:
    """A new page's `hello`, which the desk may refuse while Redis is away."""
    page = await Page.open(name, server, "visitor")
    await page.send(type="hello", token=None)
    _, answer = await page.first(lambda f: f["type"] in ("welcome", "error"), 15,
                                 what="welcome")
    if answer["type"] == "error":
        await page.close()
        raise PageClosed(f"hello refused: {answer['code']}")
    return page


async def join_until_accepted(server: LiveServer, since: float) -> tuple[float | None, int]:
    """A new visitor tries to join every 250 ms (under the rate limit), on a new page when
    the socket is lost, until `queued`: when it came, and how many tries were refused."""
    deadline = since + PATIENCE
    page: Page | None = None
    refused = 0
    try:
        while time.monotonic() < deadline:
            try:
                if page is None or page.closed_at is not None:
                    page = await greeted(server, "joiner")
                mark = page.mark()
                await page.send(type="join", pole=OTHER_POLE)
                at, answer = await page.first(lambda f: f["type"] in ("queued", "error"), 15,
                                              after=mark, what="queued")
                if answer["type"] == "queued":
                    return at, refused
                refused += 1
            except Exception:  # refused, closed or unanswered while Redis restarts: again
                refused += 1
                if page is not None:
                    await page.close()
                page = None
            await asyncio.sleep(MESSAGE_INTERVAL_SECONDS)
        return None, refused
    finally:
        if page is not None:
            await page.close()


async def round_trip(staff: Page, guest: Page, conv: str, label: str) -> bool:
    """A message each way in the conversation reaches the other side."""
    staff_mark, guest_mark = staff.mark(), guest.mark()
    try:
        await guest.send(type="message", text=f"visitor {label}", client_id=f"v-{label}")
        await staff.send(type="message", conversation=conv, text=f"counsellor {label}",
                         client_id=f"c-{label}")
        await staff.first(kind("message", client_id=f"v-{label}"), 15, after=staff_mark)
        await guest.first(kind("message", client_id=f"c-{label}"), 15, after=guest_mark)
    except (NotSeen, PageClosed, websockets.ConnectionClosed):
        return False
    return True


async def redis_restarted(workdir: Path, settings: Settings) -> Run:
    """Redis stopped with SHUTDOWN SAVE, then started on its snapshot, under one daphne
    holding a conversation and `visitors` waiting visitors."""
    async with rig(workdir, processes=1) as world:
        (a,) = world.servers
        staff, talking, queue, conv, tokens = await desk_with_queue(world, a, settings.visitors)
        before = await probe_all(a, tokens)
        pages = [talking, *queue]
        marks = [page.mark() for page in pages]

        stopping = time.monotonic()
        await asyncio.to_thread(world.redis.stop, save=True)
        down = time.monotonic()
        joiner = asyncio.create_task(join_until_accepted(a, down))
        await asyncio.to_thread(world.redis.start)
        up = time.monotonic()
        joined, tries_refused = await joiner
        await asyncio.sleep(2 * STEP_SECONDS)  # two steps: what is left of a change is settled
        after = await probe_all(a, tokens)
        conversation_kept = after[0]["status"] == "chatting" and after[0]["conversation"] == conv
        talked = await round_trip(staff, talking, conv, "after-restart")
        told = sum(1 for page, mark in zip(pages, marks, strict=True)
                   if page.found(lambda f: f["type"] in ("ended", "requeued", "error"), mark))
        return {
            "outage": up - stopping,
            "join_after_up": None if joined is None else joined - up,
            "join_after_stop": None if joined is None else joined - stopping,
            "tries_refused": tries_refused,
            "lost": lost_places(after, chatting=frozenset({0})),
            "conversations_lost": 0 if conversation_kept and talked else 1,
            "order": [s["position"] for s in after[1:]] == [s["position"] for s in before[1:]],
            "disturbed": told + sum(1 for page in pages if page.closed_at is not None),
        }


REDIS_RESTARTED = [
    Measure("outage", "Redis down: SHUTDOWN SAVE → answering again (s)", "(the fault)",
            seconds=True),
    Measure("join_after_up", "Redis answering → a new `join` gets `queued` (s)", "",
            seconds=True),
    Measure("join_after_stop", "SHUTDOWN → a new `join` gets `queued` (s)", "", seconds=True),
    Measure("tries_refused", "join tries refused meanwhile (one per 250 ms)", ""),
    Measure("lost", "places lost (of the waiting and the talking visitor)", "0", equals(0)),
    Measure("conversations_lost", "conversations lost (state kept and a message each way)",
            "0", equals(0)),
    Measure("order", "positions after the restart = positions before", "yes", equals(True)),
    Measure("disturbed", "pages told anything (`ended`, `requeued`, `error`, a close)", "0",
            equals(0)),
]


async def redis_empty(workdir: Path, settings: Settings) -> Run:
    """Redis killed, its snapshot deleted, started empty, under one daphne holding a
    conversation and `visitors` waiting visitors: the desk is told and re-formed."""
    async with rig(workdir, processes=1) as world:
        (a,) = world.servers
        staff, talking, queue, conv, tokens = await desk_with_queue(world, a, settings.visitors)
        pages = [talking, *queue]
        marks = [page.mark() for page in pages]
        staff_mark = staff.mark()

        killed = time.monotonic()
        await asyncio.to_thread(world.redis.stop, save=False)
        world.redis.rdb_path.unlink(missing_ok=True)
        await asyncio.to_thread(world.redis.start)
        up = time.monotonic()
        requeued = [await page.first(kind("requeued"), PATIENCE, after=mark, what="requeued")
                    for page, mark in zip(pages, marks, strict=True)]
        ended = talking.found(kind("ended", conversation=conv), marks[0])
        closed = staff.found(kind("conversation_closed", conversation=conv), staff_mark)
        shift_back = await staff.first(
            lambda f: f["type"] == "staff_state" and f["state"]["shift"] is not None,
            PATIENCE, after=staff_mark, what="staff_state with the shift")
        offered = await staff.first(kind("offer"), PATIENCE, after=staff_mark, what="offer")
        await asyncio.sleep(2 * STEP_SECONDS)
        after = await probe_all(a, tokens)
        screens = [page.screen() for page in pages]
        return {
            "all_requeued": max(at for at, _ in requeued) - up,
            "first_requeued": min(at for at, _ in requeued) - up,
            "from_kill": max(at for at, _ in requeued) - killed,
            "reasons": all(f["reason"] == "desk_restarted" for _, f in requeued),
            "lost": lost_places(after),
            "order": [s["position"] for s in after] == list(range(1, len(tokens) + 1)),
            "screens": sum(1 for screen, state in zip(screens, after, strict=True)
                           if screen != (state["status"], state["position"])),
            "ended": int(ended is not None and ended[1]["reason"] == "desk_restarted"),
            "closed": int(closed is not None and closed[1]["reason"] == "desk_restarted"),
            "shift_back": shift_back[0] - up,
            "offered": offered[0] - up,
        }


REDIS_EMPTY = [
    Measure("first_requeued", "Redis answering → first `requeued` (s)", "", seconds=True),
    Measure("all_requeued", "Redis answering → every visitor's `requeued` (s)",
            "≤ 2.5 (the next 2 s step, and its own run)", no_more_than(STEP_SECONDS + 0.5),
            seconds=True),
    Measure("from_kill", "kill → every visitor's `requeued` (s)", "", seconds=True),
    Measure("reasons", "every `requeued` says `desk_restarted`", "yes", equals(True)),
    Measure("lost", "places lost", "0", equals(0)),
    Measure("order", "order kept: the talking visitor 1st, then arrival order", "yes",
            equals(True)),
    Measure("screens", "pages whose screen disagrees with the desk after 2 steps", "0",
            equals(0)),
    Measure("ended", "conversations ended, told `ended` `desk_restarted` (visitor)", "1",
            equals(1)),
    Measure("closed", "… and `conversation_closed` `desk_restarted` (counsellor)", "1",
            equals(1)),
    Measure("shift_back", "Redis answering → the counsellor's shift back (s)", "with them",
            seconds=True),
    Measure("offered", "Redis answering → the counsellor offered the head visitor (s)", "",
            seconds=True),
]


# --- 5. chat messages through a Redis outage -----------------------------------------------

@dataclass
class Sent:
    at: float
    phase: str  # before, outage, after (sent once Redis answered again)


async def messages_redis_outage(workdir: Path, settings: Settings) -> Run:
    """Visitor on A, counsellor on B (every message crosses Redis's pub/sub); the visitor
    sends a message every `--interval` seconds (default 0.25), each with its own client_id;
    Redis is stopped (with its snapshot) mid-conversation for `--outage` seconds (default
    5), then started again."""
    before_s, after_s = (1.0, 3.0) if settings.quick else (2.0, 8.0)
    async with rig(workdir, processes=2) as world:
        a, b = world.servers
        staff = world.keep(await counsellor(b, "camille", [POLE], capacity=1))
        guest = world.keep(await visitor(a, "talking"))
        conv, _ = await conversation(staff, guest, POLE)
        staff_mark, guest_mark = staff.mark(), guest.mark()
        sent: dict[str, Sent] = {}
        phase = "before"

        async def sender() -> None:
            number = 0
            with contextlib.suppress(Exception):
                while True:
                    number += 1
                    client_id = f"m{number:04d}"
                    sent[client_id] = Sent(time.monotonic(), phase)
                    await guest.send(type="message", text=f"message {number}",
                                     client_id=client_id)
                    await asyncio.sleep(settings.interval)

        sending = asyncio.create_task(sender())
        await asyncio.sleep(before_s)
        phase = "outage"
        stopped = time.monotonic()
        await asyncio.to_thread(world.redis.stop, save=True)
        await asyncio.sleep(settings.outage - (time.monotonic() - stopped))
        await asyncio.to_thread(world.redis.start)
        up = time.monotonic()
        phase = "after"
        await asyncio.sleep(after_s)
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending

        def answered() -> set[str]:
            return {f["client_id"] for _, f in guest.frames[guest_mark:]
                    if f["type"] in ("message", "error") and f.get("client_id")}
        deadline = time.monotonic() + 20
        while (time.monotonic() < deadline and not set(sent) <= answered()
               and guest.closed_at is None):
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)  # deliveries still on their way to the counsellor
        talked_back = await round_trip(staff, guest, conv, "after-outage")

        acked = {f["client_id"]: at for at, f in guest.frames[guest_mark:]
                 if f["type"] == "message" and f["sender"] == "visitor"
                 and f["client_id"] in sent}
        refused = {f["client_id"] for _, f in guest.frames[guest_mark:]
                   if f["type"] == "error" and f["client_id"] in sent}
        anonymous = [f["code"] for _, f in guest.frames[guest_mark:]
                     if f["type"] == "error" and not f["client_id"]]
        delivered = [f["client_id"] for _, f in staff.frames[staff_mark:]
                     if f["type"] == "message" and f["client_id"] in sent]
        after_up = [cid for cid, s in sent.items() if s.phase == "after"]
        flowing = min((at for cid, at in acked.items() if at > up), default=None)
        # When the lost ones were acknowledged, against Redis answering again.
        lost_acks = sorted(at - up for cid, at in acked.items() if cid not in set(delivered))
        return {
            "outage": up - stopped,
            "sent": len(sent),
            "during": sum(1 for s in sent.values() if s.phase == "outage"),
            "acked": len(acked),
            "refused": len(refused),
            "unanswered": len(set(sent) - set(acked) - refused),
            "anonymous": ", ".join(sorted(set(anonymous))) or "none",
            "anonymous_count": len(anonymous),
            "acked_not_delivered": len(set(acked) - set(delivered)),
            "lost_window": (f"{lost_acks[0]:+.2f} to {lost_acks[-1]:+.2f}" if lost_acks
                            else "–"),
            "refused_delivered": len(refused & set(delivered)),
            "duplicates": len(delivered) - len(set(delivered)),
            # A message delivered after one sent later (client ids sort in sending order).
            "out_of_order": sum(1 for earlier, later in itertools.pairwise(delivered)
                                if later < earlier),
            "after_sent": len(after_up),
            "after_delivered": sum(1 for cid in after_up if cid in set(delivered)),
            "flowing": None if flowing is None else flowing - up,
            "talked_back": talked_back,
            "closed": ", ".join(f"{page.name} {page.close_code}" for page in (guest, staff)
                                if page.closed_at is not None) or "none",
        }


MESSAGES_REDIS_OUTAGE = [
    Measure("outage", "Redis down (s)", "(the fault)", seconds=True),
    Measure("sent", "messages sent", ""),
    Measure("during", "… of which while Redis was down", ""),
    Measure("acked", "acknowledged (own `message` echo with its client_id)", ""),
    Measure("refused", "refused (`error` with its client_id)", ""),
    Measure("unanswered", "neither acknowledged nor refused with its client_id", "0",
            equals(0)),
    Measure("anonymous_count", "`error` frames without a client_id", "0", equals(0)),
    Measure("anonymous", "… their codes", "none"),
    Measure("acked_not_delivered", "acknowledged but never delivered", "0", equals(0)),
    Measure("lost_window", "… acknowledged when (s, against Redis answering)", "–"),
    Measure("refused_delivered", "refused yet delivered", "0", equals(0)),
    Measure("duplicates", "delivered twice", "0", equals(0)),
    Measure("out_of_order", "deliveries after a message sent later", "0", equals(0)),
    Measure("after_sent", "sent once Redis answered again", ""),
    Measure("after_delivered", "… of which delivered", "all"),
    Measure("flowing", "Redis answering → first acknowledgement after it (s)", "",
            seconds=True),
    Measure("talked_back", "a message each way afterwards", "yes", equals(True)),
    Measure("closed", "sockets closed by the outage (close code)", "none", equals("none")),
]


# --- 6. the visitors' process killed -------------------------------------------------------

async def visitor_process_killed(workdir: Path, settings: Settings) -> Run:
    """`visitors` waiting on process A, the first of them with a second tab open; A is
    SIGKILLed; each page reconnects at once to B with its token and says `hello`, as the
    reference page does (it waits 0.5 s first)."""
    count = min(settings.visitors, 10)
    async with rig(workdir, processes=2) as world:
        a, b = world.servers
        pages, tokens = [], []
        for index in range(count):
            page = world.keep(await visitor(a, f"waiting-{index + 1}"))
            tokens.append((await join(page, POLE))["token"])
            pages.append(page)
        second_tab = world.keep(await visitor(a, "waiting-1-tab-2", token=tokens[0]))
        before = await probe_all(a, tokens)
        # A probe's socket is released by A after its close handshake: a kill just after
        # would leave it counted against its token (25 s), which no page would have done.
        await asyncio.sleep(1.0)

        async def come_back(page: Page, token: str) -> tuple[float, float | None, Page]:
            dropped = await page.closed(PATIENCE)
            assert dropped is not None, f"{page.name} never saw its process die"
            again = world.keep(await Page.open(page.name + "-again", b, "visitor"))
            await again.send(type="hello", token=token)
            try:
                at, _ = await again.first(kind("welcome"), 15, what="welcome")
            except PageClosed:  # refused: too_many_connections, then 4009
                return dropped, None, again
            return dropped, at, again

        killed = time.monotonic()
        await asyncio.to_thread(a.kill)
        back = await asyncio.gather(*(come_back(p, t) for p, t in
                                      zip([*pages, second_tab], [*tokens, tokens[0]],
                                          strict=True)))
        # A place is back when one of its token's pages got its `welcome` (the first
        # visitor has two tabs: either may be the one that made it).
        places = list(back[:count])
        if places[0][1] is None:
            places[0] = back[count]
        welcomes = [again.frames[0][1] if at is not None else None for _, at, again in places]
        states = [w["state"] if w else {"status": "refused", "position": None}
                  for w in welcomes]
        refused = [again for _, at, again in back if at is None]
        run: Run = {
            "dropped": max(d for d, _, _ in back) - killed,
            "all_back": max((at for _, at, _ in places if at is not None), default=0) - killed,
            "lost": lost_places(states),
            "order": [s["position"] for s in states] == [s["position"] for s in before],
            "same_token": all(w is not None and w["token"] == t
                              for w, t in zip(welcomes, tokens, strict=True)),
            "tabs_refused": ", ".join(f"{p.name} {p.close_code}" for p in refused) or "none",
        }
        if refused:
            # As the reference page does after 4009: try again (here every second).
            async def retry(name: str, token: str) -> float:
                deadline = time.monotonic() + PATIENCE
                while time.monotonic() < deadline:
                    await asyncio.sleep(1.0)
                    page = world.keep(await Page.open(name + "-retry", b, "visitor"))
                    await page.send(type="hello", token=token)
                    with contextlib.suppress(PageClosed):
                        return (await page.first(kind("welcome"), 15, what="welcome"))[0]
                raise NotSeen(f"{name} never got back in")
            token_of = {p.name: t for p, t in zip([*pages, second_tab], [*tokens, tokens[0]],
                                                   strict=True)}
            retried = [await retry(page.name, token_of[page.name.removesuffix("-again")])
                       for page in refused]
            run["refused_back"] = max(retried) - killed
        if not settings.quick:
            # Past the dead process's last lease renewal: what the pages on B show then
            # (a place the desk dropped would reach them as a `state` within two steps).
            await asyncio.sleep(LEASE_SECONDS + 2 * STEP_SECONDS)
            screens = [again.screen() for _, at, again in places if at is not None]
            run["lost_later"] = sum(1 for status, _ in screens if status != "waiting") + (
                count - len(screens))
            run["order_later"] = [pos for _, pos in screens] == [s["position"] for s in before]
        return run


VISITOR_PROCESS_KILLED = [
    Measure("dropped", "kill → the last page sees its socket closed (s)", "at once",
            seconds=True),
    Measure("all_back", "kill → every visitor's `welcome` shows `waiting` (s)", "",
            seconds=True),
    Measure("lost", "places lost at the reconnection", "0", equals(0)),
    Measure("order", "places after = places before", "yes", equals(True)),
    Measure("same_token", "`welcome` gives back the same token", "yes", equals(True)),
    Measure("tabs_refused", "pages refused on reconnecting (close code)", "none",
            equals("none")),
    Measure("refused_back", "kill → a refused page, retrying every second, is back (s)",
            "", seconds=True),
    Measure("lost_later", f"places lost {LEASE_SECONDS + 2 * STEP_SECONDS:.0f} s later "
            "(past the dead process's leases)", "0", equals(0)),
    Measure("order_later", "… places then = places before", "yes", equals(True)),
]


# --- the command ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    title: str
    run: Scenario
    measures: list[Measure]


SCENARIOS: dict[str, Entry] = {
    "counsellor-process-killed": Entry(
        "1. The counsellor's daphne killed (SIGKILL) mid-conversation",
        counsellor_process_killed, COUNSELLOR_PROCESS_KILLED),
    "counsellor-frozen": Entry(
        "2. A frozen counsellor (no frame, no pong)", counsellor_frozen, COUNSELLOR_FROZEN),
    "redis-restarted": Entry(
        "3. Redis restarted with its data", redis_restarted, REDIS_RESTARTED),
    "redis-empty": Entry("4. Redis comes back empty", redis_empty, REDIS_EMPTY),
    "messages-redis-outage": Entry(
        "5. Chat messages through a Redis outage", messages_redis_outage,
        MESSAGES_REDIS_OUTAGE),
    "visitor-process-killed": Entry(
        "6. The daphne holding waiting visitors killed; they reconnect to the other",
        visitor_process_killed, VISITOR_PROCESS_KILLED),
}


def machine() -> str:
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
    version = next((part.split("=", 1)[1] for part in redis.stdout.split()
                    if part.startswith("v=")), redis.stdout.strip())
    return (f"`nproc` {_nproc()}, Python {platform.python_version()}, "
            f"redis-server {version}, {platform.system()} {platform.release()}")


def _nproc() -> str:
    found = shutil.which("nproc")
    if found is None:
        return "?"
    return subprocess.run([found], capture_output=True, text=True).stdout.strip()


async def run_scenario(name: str, entry: Entry, args: argparse.Namespace,
                       workdir: Path) -> tuple[list[Run], list[str]]:
    settings = Settings(visitors=args.visitors, quick=args.quick, outage=args.outage,
                        interval=args.interval)
    runs, failures = [], []
    for repetition in range(1, args.repeat + 1):
        place = workdir / f"{name}-{repetition}"
        place.mkdir(parents=True)
        started = time.monotonic()
        try:
            runs.append(await entry.run(place, settings))
            print(f"  {name} #{repetition}: done in {time.monotonic() - started:.0f} s",
                  file=sys.stderr, flush=True)
        except Exception as error:
            failures.append(f"run {repetition}: {type(error).__name__}: {error}")
            print(f"  {name} #{repetition}: FAILED (logs in {place})", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
    return runs, failures


async def main_async(args: argparse.Namespace) -> int:
    names = [args.scenario] if args.scenario else list(SCENARIOS)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="virtualcite-faults-"))
    workdir.mkdir(parents=True, exist_ok=True)
    command = " ".join(["python -m bench.faults", *sys.argv[1:]])
    print(f"Command: `{command}`  \nMachine: {machine()}  \n"
          f"Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC  \n"
          f"Repetitions: {args.repeat}; waiting visitors per queue: {args.visitors}\n")
    failed = False
    for name in names:
        entry = SCENARIOS[name]
        print(f"  {name}: {args.repeat} run(s)", file=sys.stderr, flush=True)
        runs, failures = await run_scenario(name, entry, args, workdir)
        print(f"### {entry.title}\n")
        print(f"`--scenario {name}`: {(entry.run.__doc__ or '').strip()}\n".replace("\n    ",
                                                                                     " "))
        if runs:
            print(table(entry.measures, runs))
        for failure in failures:
            print(f"\n**Failed** {failure}")
        print(flush=True)
        failed = failed or bool(failures)
    if failed:
        print(f"logs kept in {workdir}", file=sys.stderr)
    elif not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), help="run only this one")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: one repetition, 3 waiting visitors, shorter phases")
    parser.add_argument("--visitors", type=int, default=20,
                        help="waiting visitors in scenarios 3 and 4 (at most 10 in 6)")
    parser.add_argument("--outage", type=float, default=OUTAGE_SECONDS,
                        help="seconds Redis stays down in messages-redis-outage")
    parser.add_argument("--interval", type=float, default=MESSAGE_INTERVAL_SECONDS,
                        help="seconds between two messages in messages-redis-outage")
    parser.add_argument("--workdir", help="keep every log and database here")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.visitors = 1, 3
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
