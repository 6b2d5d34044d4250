"""Desk routing benchmark: join→offer latency and routing decisions per second, per store.

The desk is held at 1,000 waiting visitors and 200 counsellors (capacity 1, two poles each)
throughout, so every figure includes the cost of a full-size desk: routing scans every
counsellor and waiting visitor, and the stores encode every entity to find what changed.

- join→offer: 190 counsellors are busy on poles p1..p9, where the 1,000 visitors wait; 10
  counsellors serve pole p0 only and are free. A visitor joins p0 and the same mutation
  offers them to a free counsellor; we time that `mutate` call (a routing decision at full
  size). The counsellor then accepts and ends (untimed) so the next join finds them free.
- decisions/s: 20 coroutines loop: end a conversation on p1..p9 (the freed slot is offered
  to the longest-waiting visitor: a routing decision), accept that offer, and join a new
  visitor so 1,000 still wait. Offers made per second of wall time.

Usage: python -m bench.desk [--redis-url URL] [--joins 500] [--seconds 10]
Without --redis-url a private redis-server is started on a free port (and stopped).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from chat.core import desk
from chat.core.events import OfferMade
from chat.core.model import DeskConfig, DeskState, PolePolicy
from virtualcite.realtime.store.base import StateStore
from virtualcite.realtime.store.codec import Codec
from virtualcite.realtime.store.layout import Layout, Mirror
from virtualcite.realtime.store.memory import MemoryStateStore
from virtualcite.realtime.store.redis import RedisStateStore

WAITING = 1_000
COUNSELLORS = 200
FREE_ON_P0 = 10
BUSY_POLES = [f"p{n}" for n in range(1, 10)]
POLICIES = {
    pole: PolePolicy(slug=pole, capacity=100_000, is_open=True) for pole in ["p0", *BUSY_POLES]
}
# Leases and offers that outlive the run: the benchmark measures routing, not expiry.
CONFIG = DeskConfig(lease_ttl=3600.0, offer_timeout=3600.0)
CLIENTS = 20
_ids = itertools.count()


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


async def populate(store: StateStore[DeskState]) -> None:
    """200 counsellors, 190 of them busy, and 1,000 visitors waiting on the busy poles."""
    now = time.time()

    def build(state: DeskState) -> None:
        for n in range(COUNSELLORS):
            cid = f"c{n}"
            poles = ["p0"] if n < FREE_ON_P0 else [BUSY_POLES[n % 9], BUSY_POLES[(n + 1) % 9]]
            desk.counsellor_online(
                state, counsellor_id=cid, display_name=cid, institution=f"i{n % 7}",
                poles=poles, capacity=1, now=now, config=CONFIG,
            )
        for n in range(COUNSELLORS - FREE_ON_P0 + WAITING):
            token = fresh("v")
            events = desk.visitor_join(
                state, token=token, pseudonym=token, pole=BUSY_POLES[n % 9],
                policies=POLICIES, now=now + n / 1000, config=CONFIG,
            )
            for offer in (e for e in events if isinstance(e, OfferMade)):
                desk.offer_accept(
                    state, counsellor_id=offer.counsellor_id, token=offer.token,
                    conversation_id=fresh("k"), now=now, config=CONFIG,
                )

    await store.mutate(build)


async def accept(store: StateStore[DeskState], offer: OfferMade) -> str:
    conversation_id = fresh("k")
    await store.mutate(
        lambda state: desk.offer_accept(
            state, counsellor_id=offer.counsellor_id, token=offer.token,
            conversation_id=conversation_id, now=time.time(), config=CONFIG,
        )
    )
    return conversation_id


async def end(store: StateStore[DeskState], conversation_id: str, by: str) -> list[OfferMade]:
    events = await store.mutate(
        lambda state: desk.conversation_end(
            state, conversation_id=conversation_id, ended_by=by, now=time.time(), config=CONFIG
        )
    )
    return [e for e in events if isinstance(e, OfferMade)]


async def join(store: StateStore[DeskState], pole: str) -> list[OfferMade]:
    token = fresh("v")
    events = await store.mutate(
        lambda state: desk.visitor_join(
            state, token=token, pseudonym=token, pole=pole, policies=POLICIES,
            now=time.time(), config=CONFIG,
        )
    )
    return [e for e in events if isinstance(e, OfferMade)]


async def join_to_offer(stores: list[StateStore[DeskState]], joins: int) -> list[float]:
    """Latencies (seconds) of joins that are offered in the same mutation; with several
    stores on one namespace, each join goes to the next one, as if made by another process."""
    latencies = []
    for number in range(joins):
        store = stores[number % len(stores)]
        started = time.perf_counter()
        [offer] = await join(store, "p0")
        latencies.append(time.perf_counter() - started)
        await end(store, await accept(store, offer), offer.counsellor_id)
    return latencies


async def decisions_per_second(
    stores: list[StateStore[DeskState]], seconds: float
) -> tuple[float, int]:
    """Offers per second with CLIENTS coroutines freeing slots, and mutations made; with
    several stores on one namespace, the clients are spread over them."""
    state = await stores[0].read()
    running = [
        (conversation.id, conversation.counsellor_ids[0])
        for conversation in state.conversations.values()
        if conversation.pole != "p0"
    ]
    offers = mutations = 0
    deadline = time.perf_counter() + seconds

    async def client(store: StateStore[DeskState], conversations: list[tuple[str, str]]) -> None:
        nonlocal offers, mutations
        while time.perf_counter() < deadline:
            conversation_id, counsellor_id = conversations.pop(0)
            made = await end(store, conversation_id, counsellor_id)
            offers += len(made)
            for offer in made:
                conversations.append((await accept(store, offer), offer.counsellor_id))
            await join(store, BUSY_POLES[mutations % 9])
            mutations += 2 + len(made)

    started = time.perf_counter()
    await asyncio.gather(
        *(client(stores[n % len(stores)], running[n::CLIENTS]) for n in range(CLIENTS))
    )
    return offers / (time.perf_counter() - started), mutations


async def measure(
    name: str, stores: list[StateStore[DeskState]], joins: int, seconds: float
) -> str:
    try:
        await populate(stores[0])
        latencies = await join_to_offer(stores, joins)
        rate, mutations = await decisions_per_second(stores, seconds)
        state = await stores[0].read()
        waiting = sum(1 for t in state.tickets.values() if t.status == "waiting")
    finally:
        for store in stores:
            await store.close()
    cuts = statistics.quantiles(latencies, n=100)
    return (
        f"| {name} | {waiting} | {len(state.counsellors)} | {cuts[49] * 1000:.2f} | "
        f"{cuts[98] * 1000:.2f} | {max(latencies) * 1000:.2f} | {rate:.0f} | {mutations} |"
    )


@contextmanager
def private_redis() -> Iterator[str]:
    """A throwaway redis-server on a free port, without persistence."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed; pass --redis-url")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as directory:
        server = subprocess.Popen(
            [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", directory],
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait()


def per_call_ms(function: Callable[[], object], repeat: int = 50) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - started) / repeat * 1000


async def layout_costs() -> None:
    """What the store pays per mutation at full size, one way or the other (why a hash)."""
    store = MemoryStateStore(DeskState)
    await populate(store)
    state = await store.read()
    codec = Codec(DeskState)
    blob = json.dumps(codec.encode(state))
    mirror = Mirror(Layout(DeskState, DeskState))
    mirror.reset(dict(mirror.layout.entries(state)))
    rows = [
        ("one JSON blob: encode + dumps", per_call_ms(lambda: json.dumps(codec.encode(state)))),
        ("one JSON blob: loads + decode", per_call_ms(lambda: codec.decode(json.loads(blob)))),
        ("entries: find the changed ones (diff)", per_call_ms(lambda: mirror.diff(state))),
        ("deep copy of the state", per_call_ms(lambda: copy.deepcopy(state), repeat=10)),
    ]
    print(f"\nState at full size: {len(state.tickets)} tickets, {len(state.counsellors)} "
          f"counsellors, {len(blob) // 1000} kB as one JSON blob.\n")
    print("| cost per mutation | ms |")
    print("| --- | --- |")
    for name, ms in rows:
        print(f"| {name} | {ms:.2f} |")


async def main_async(options: argparse.Namespace, redis_url: str) -> None:
    print("| store | waiting | counsellors | join→offer p50 (ms) | p99 (ms) | max (ms) |"
          " routing decisions/s | mutations |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    memory = MemoryStateStore(DeskState)
    print(await measure("memory", [memory], options.joins, options.seconds))
    for count, name in [(1, "redis"), (2, "redis, 2 stores taking turns")]:
        namespace = fresh("bench-desk-")
        stores: list[StateStore[DeskState]] = [
            RedisStateStore(redis_url, namespace=namespace, state_factory=DeskState)
            for _ in range(count)
        ]
        print(await measure(name, stores, options.joins, options.seconds))
    await layout_costs()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", help="an existing Redis (default: start a private one)")
    parser.add_argument("--joins", type=int, default=500, help="timed join→offer decisions")
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput phase length")
    options = parser.parse_args()
    if options.redis_url:
        asyncio.run(main_async(options, options.redis_url))
    else:
        with private_redis() as url:
            asyncio.run(main_async(options, url))


if __name__ == "__main__":
    main()
