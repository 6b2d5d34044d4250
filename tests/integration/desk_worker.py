"""One OS process of the multi-process desk test: coroutines sharing one Redis store.

Run by tests/integration/test_desk_processes.py as
`python -m tests.integration.desk_worker <options>`; it writes what it saw to `--out` as
JSON (the events of every mutation it made, refusals, and invariant violations) instead of
printing, so the test can check both processes' events together.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from chat.core import desk
from chat.core.errors import DeskError
from chat.core.events import Event
from chat.core.model import DeskConfig, DeskState, PolePolicy
from virtualcite.realtime.store.redis import RedisStateStore

POLES = ["emploi", "formation", "orientation", "creation", "international"]
POLICIES = {pole: PolePolicy(slug=pole, capacity=10_000, is_open=True) for pole in POLES}
# Leases long enough that no visitor is dropped for a missed heartbeat while the machine is
# loaded: this test is about atomicity, not liveness (the unit tests cover leases).
CONFIG = DeskConfig(lease_ttl=300.0, visitor_grace=300.0)
# How long a conversation lasts, in seconds: short, so slots turn over many times.
CONVERSATION = (0.01, 0.05)


def violations(state: DeskState) -> list[str]:
    """Invariants that a double assignment would break, checked on every state a change sees."""
    found = []
    offered: Counter[str] = Counter()
    for counsellor in state.counsellors.values():
        offered.update(counsellor.offered_tokens)
        if len(counsellor.conversation_ids) > counsellor.capacity:
            found.append(f"{counsellor.id} above capacity")
        for token in counsellor.offered_tokens:
            ticket = state.tickets.get(token)
            if ticket is None or ticket.offered_to != counsellor.id:
                found.append(f"{token} offered to {counsellor.id} but the ticket disagrees")
    found += [f"{token} offered {n} times" for token, n in offered.items() if n > 1]
    in_conversation = Counter(conversation.token for conversation in state.conversations.values())
    found += [f"{token} in {n} conversations" for token, n in in_conversation.items() if n > 1]
    return found


class Worker:
    """The coroutines of one process, and what they record."""

    def __init__(self, store: RedisStateStore[DeskState], deadline: float) -> None:
        self.store = store
        self.deadline = deadline
        self.events: list[dict[str, Any]] = []
        self.refusals: Counter[str] = Counter()
        self.violations: list[str] = []
        self.done = False

    async def mutate(self, change: Callable[[DeskState], list[Event]]) -> list[Event]:
        def checked(state: DeskState) -> list[Event]:
            self.violations += violations(state)
            events = change(state)
            self.violations += violations(state)
            return events

        try:
            events = await self.store.mutate(checked)
        except DeskError as refusal:
            self.refusals[refusal.code] += 1
            return []
        self.events += [{"kind": event.kind, **dataclasses.asdict(event)} for event in events]
        return events

    async def visitors(self, tokens: list[str]) -> None:
        for token in tokens:
            await asyncio.sleep(random.uniform(0, 0.02))
            # Arguments fixed before the change runs: a retried change must not pick again.
            await self.mutate(
                partial(
                    desk.visitor_join,
                    token=token,
                    pseudonym=f"visitor-{token}",
                    pole=random.choice(POLES),
                    policies=POLICIES,
                    now=time.time(),
                    config=CONFIG,
                )
            )

    async def counsellor(self, counsellor_id: str, poles: list[str], total: int) -> None:
        await self.mutate(
            lambda state: desk.counsellor_online(
                state,
                counsellor_id=counsellor_id,
                display_name=counsellor_id,
                institution=f"institution-{hash(counsellor_id) % 4}",
                poles=poles,
                capacity=2,
                now=time.time(),
                config=CONFIG,
            )
        )
        while time.time() < self.deadline and not self.done:
            state = await self.store.read()
            if sum(len(times) for times in state.served.values()) >= total and not state.tickets:
                self.done = True
                return
            me = state.counsellors[counsellor_id]
            for token in me.offered_tokens:
                await self.mutate(
                    partial(
                        desk.offer_accept,
                        counsellor_id=counsellor_id,
                        token=token,
                        conversation_id=f"{counsellor_id}-{token}",
                        now=time.time(),
                        config=CONFIG,
                    )
                )
            for conversation_id in me.conversation_ids:
                if time.time() - state.conversations[conversation_id].started_at > random.uniform(
                    *CONVERSATION
                ):
                    await self.mutate(
                        partial(
                            desk.conversation_end,
                            conversation_id=conversation_id,
                            ended_by=counsellor_id,
                            now=time.time(),
                            config=CONFIG,
                        )
                    )
            await asyncio.sleep(random.uniform(0.005, 0.02))

    async def ticker(self) -> None:
        while time.time() < self.deadline and not self.done:
            await self.mutate(lambda state: desk.tick(state, now=time.time(), config=CONFIG))
            await asyncio.sleep(0.2)


async def run(options: argparse.Namespace) -> dict[str, Any]:
    store = RedisStateStore(
        options.redis_url, namespace=options.namespace, state_factory=DeskState
    )
    worker = Worker(store, deadline=options.start_at + options.seconds)
    index, processes = options.index, options.processes
    my_counsellors = [f"c{n}" for n in range(options.counsellors) if n % processes == index]
    my_visitors = [f"v{n}" for n in range(options.visitors) if n % processes == index]
    # One coroutine per counsellor and a ticker; the rest share this process's visitors.
    visitor_coroutines = options.coroutines - len(my_counsellors) - 1
    await asyncio.sleep(max(0.0, options.start_at - time.time()))
    try:
        await asyncio.gather(
            worker.ticker(),
            *(
                worker.counsellor(
                    cid, [POLES[n % 5], POLES[(n + 1) % 5]], options.visitors
                )
                for n, cid in ((int(cid[1:]), cid) for cid in my_counsellors)
            ),
            *(
                worker.visitors(my_visitors[n::visitor_coroutines])
                for n in range(visitor_coroutines)
            ),
        )
    finally:
        await store.close()
    return {
        "events": worker.events,
        "refusals": dict(worker.refusals),
        "violations": worker.violations,
        "timed_out": not worker.done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--index", type=int, required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--coroutines", type=int, default=50)
    parser.add_argument("--visitors", type=int, default=500)
    parser.add_argument("--counsellors", type=int, default=50)
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    report = asyncio.run(run(options))
    with open(options.out, "w", encoding="utf-8") as out:
        json.dump(report, out)


if __name__ == "__main__":
    main()
