"""The contract every state store keeps, run against each adapter (see conftest.py)."""

from __future__ import annotations

import asyncio

import pytest
import redis

from chat.core import desk, errors
from chat.core.events import ConversationEnded, ConversationStarted, OfferMade, VisitorQueued
from chat.core.model import DeskState, TicketStatus
from chat.core.testing import join, of_kind, offers, online
from chat.store import MemoryStateStore, RedisStateStore, build_desk_store
from chat.store.base import StateStore
from tests.contract.conftest import StoreFactory
from tests.redis_server import RedisServer
from tests.waiting import eventually

NOW = 1_000_000.0


async def test_a_new_store_holds_the_factory_state(store: StateStore[DeskState]) -> None:
    assert await store.read() == DeskState()


async def test_mutate_returns_the_change_result_and_keeps_the_change(
    store: StateStore[DeskState],
) -> None:
    events = await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))

    assert of_kind(events, VisitorQueued) == [VisitorQueued(token="a", pole="emploi", position=1)]
    state = await store.read()
    assert state.tickets["a"].status is TicketStatus.WAITING
    assert state.tickets["a"].arrived_at == NOW


async def test_successive_mutations_see_each_other(store: StateStore[DeskState]) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    await store.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))
    await store.mutate(lambda state: desk.visitor_leave(state, token="a", now=NOW + 2))

    assert list((await store.read()).tickets) == ["b"]


async def test_a_reader_mutating_its_snapshot_cannot_corrupt_the_state(
    store: StateStore[DeskState],
) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    snapshot = await store.read()
    snapshot.tickets["a"].declined_by.append("c9")
    snapshot.tickets.clear()
    snapshot.served["emploi"] = [1.0]

    seen_by_next_change = await store.mutate(
        lambda state: (list(state.tickets), state.tickets["a"].declined_by[:], dict(state.served))
    )
    assert seen_by_next_change == (["a"], [], {})


async def test_a_snapshot_is_not_changed_by_later_mutations(store: StateStore[DeskState]) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    before = await store.read()
    await store.mutate(lambda state: desk.visitor_leave(state, token="a", now=NOW + 1))

    assert "a" in before.tickets
    assert "a" not in (await store.read()).tickets


async def test_a_change_that_raises_writes_nothing_even_if_it_mutated_first(
    store: StateStore[DeskState],
) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    before = await store.read()

    def half_done(state: DeskState) -> None:
        state.tickets["a"].position = 99
        state.tickets["a"].declined_by.append("c1")
        del state.tickets["a"]
        state.blocked["x"] = NOW
        state.institution_day = "2026-11-21"
        raise RuntimeError("a bug halfway through")

    with pytest.raises(RuntimeError, match="halfway"):
        await store.mutate(half_done)

    assert await store.read() == before
    # And the next mutation starts from the untouched state, not from the half-done one.
    await store.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))
    state = await store.read()
    assert sorted(state.tickets) == ["a", "b"]
    assert state.tickets["a"].declined_by == []
    assert state.blocked == {}


async def test_a_refusal_by_the_desk_propagates_and_writes_nothing(
    store: StateStore[DeskState],
) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    before = await store.read()

    with pytest.raises(errors.AlreadyQueued):
        await store.mutate(lambda state: join(state, "a", "emploi", now=NOW + 1))

    assert await store.read() == before


async def test_the_state_survives_a_new_store_on_the_same_namespace(
    make_store: StoreFactory, store_kind: str
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory store lives and dies with its process, by design")
    first = make_store()
    await first.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    await first.close()

    second = make_store()
    assert (await second.read()).tickets["a"].pole == "emploi"
    await second.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))
    assert sorted((await second.read()).tickets) == ["a", "b"]


async def test_a_visitor_goes_from_queue_to_conversation_to_the_end(
    store: StateStore[DeskState],
) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    made = await store.mutate(
        lambda state: online(state, "c1", poles=["emploi"], institution="CIDJ", now=NOW + 5)
    )
    assert offers(made) == [("a", "c1")]
    assert (await store.read()).tickets["a"].status is TicketStatus.OFFERED

    started = await store.mutate(
        lambda state: desk.offer_accept(
            state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW + 10
        )
    )
    assert of_kind(started, ConversationStarted)
    state = await store.read()
    assert state.tickets["a"].status is TicketStatus.IN_CONVERSATION
    assert state.counsellors["c1"].conversation_ids == ["k1"]

    ended = await store.mutate(
        lambda state: desk.conversation_end(
            state, conversation_id="k1", ended_by="c1", now=NOW + 70
        )
    )
    [end] = of_kind(ended, ConversationEnded)
    assert isinstance(end, ConversationEnded)
    assert end.waited == 10.0
    state = await store.read()
    assert state.conversations == {}
    assert "a" not in state.tickets
    assert state.counsellors["c1"].conversation_ids == []


async def test_concurrent_mutations_lose_no_update(make_store: StoreFactory) -> None:
    # Two Redis stores on one namespace stand for two processes.
    stores = [make_store(), make_store()]
    await stores[0].mutate(
        lambda state: online(state, "c1", poles=["emploi"], capacity=1000, now=NOW)
    )

    async def visitor(number: int) -> list[OfferMade]:
        events = await stores[number % 2].mutate(
            lambda state: join(state, f"v{number}", "emploi", now=NOW + number / 1000)
        )
        return [event for event in events if isinstance(event, OfferMade)]

    made = await asyncio.gather(*(visitor(number) for number in range(200)))

    state = await stores[1].read()
    assert len(state.tickets) == 200
    assert sorted(state.counsellors["c1"].offered_tokens) == sorted(state.tickets)
    offered = [offer.token for batch in made for offer in batch]
    assert sorted(offered) == sorted(state.tickets)  # each offered once, none twice


async def test_connections_are_counted_per_key(store: StateStore[DeskState]) -> None:
    assert await store.connection_add("visitor-a", "socket-1", ttl=30) == 1
    assert await store.connection_add("visitor-a", "socket-2", ttl=30) == 2
    assert await store.connection_add("visitor-a", "socket-2", ttl=30) == 2
    assert await store.connection_add("visitor-b", "socket-3", ttl=30) == 1

    await store.connection_remove("visitor-a", "socket-1")
    await store.connection_remove("visitor-a", "never-added")
    assert await store.connection_add("visitor-a", "socket-4", ttl=30) == 2


async def test_expired_connections_are_not_counted(store: StateStore[DeskState]) -> None:
    await store.connection_add("visitor-a", "crashed", ttl=0.3)
    await store.connection_add("visitor-a", "alive", ttl=30)

    # Adding the same id again counts it once, so the probe watches without adding up.
    count = await eventually(
        lambda: store.connection_add("visitor-a", "probe", ttl=30),
        until=lambda live: live < 3,
        what="the crashed connection to expire",
    )

    assert count == 2  # "alive" and the probe


async def test_a_refresh_extends_a_connection_past_its_first_ttl(
    store: StateStore[DeskState],
) -> None:
    # "early" and "refreshed" get the same short TTL, "early" first: if "early" still counts
    # after the refresh, "refreshed" was alive when refreshed. A machine stalled long enough to
    # let both run out before the refresh tries again with a longer TTL instead of failing.
    for attempt, ttl in enumerate((0.3, 1.5, 6.0)):
        key = f"visitor-{attempt}"
        await store.connection_add(key, "early", ttl=ttl)
        await store.connection_add(key, "refreshed", ttl=ttl)
        await store.connection_refresh(key, "refreshed", ttl=30)
        if await store.connection_add(key, "probe", ttl=30) == 3:
            break
    else:
        pytest.fail("every TTL ran out before the refresh")

    count = await eventually(
        lambda: store.connection_add(key, "probe", ttl=30),
        until=lambda live: live < 3,
        what="the connection that was not refreshed to expire",
    )

    assert count == 2  # "refreshed" and the probe


async def test_a_refresh_does_not_revive_a_removed_connection(
    store: StateStore[DeskState],
) -> None:
    await store.connection_add("visitor-a", "closed", ttl=30)
    await store.connection_remove("visitor-a", "closed")
    await store.connection_refresh("visitor-a", "closed", ttl=30)

    assert await store.connection_add("visitor-a", "new", ttl=30) == 1


async def test_every_redis_key_has_a_ttl(
    store: StateStore[DeskState], store_kind: str, request: pytest.FixtureRequest
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory store keeps nothing in Redis")
    await store.mutate(lambda state: online(state, "c1", poles=["emploi"], now=NOW))
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    await store.mutate(lambda state: desk.visitor_leave(state, token="a", now=NOW + 1))
    await store.connection_add("visitor-b", "socket-1", ttl=30)
    await store.connection_refresh("visitor-b", "socket-1", ttl=60)

    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        keys = client.keys("*")
        assert len(keys) >= 4  # state, version, commit markers, a connection set
        assert {key: client.ttl(key) > 0 for key in keys} == {key: True for key in keys}
    finally:
        client.close()


async def test_a_redis_restart_keeps_the_state_and_mutations_go_on(
    make_store: StoreFactory, store_kind: str, request: pytest.FixtureRequest
) -> None:
    if store_kind == "memory":
        pytest.skip("the memory store has no server to restart")
    server: RedisServer = request.getfixturevalue("redis_server")
    store = make_store()
    await store.mutate(lambda state: online(state, "c1", poles=["emploi"], now=NOW))
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    await store.connection_add("visitor-a", "socket-1", ttl=30)

    server.restart()

    events = await store.mutate(lambda state: join(state, "b", "emploi", now=NOW + 1))
    assert of_kind(events, VisitorQueued)
    assert sorted((await store.read()).tickets) == ["a", "b"]
    assert await store.connection_add("visitor-a", "socket-2", ttl=30) == 2
    # A process started after the restart sees the same desk.
    assert sorted((await make_store().read()).tickets) == ["a", "b"]


async def test_the_factory_picks_the_store_from_the_redis_url(
    store_kind: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("redis_url") if store_kind == "redis" else None
    store = build_desk_store(url)
    try:
        expected = RedisStateStore if store_kind == "redis" else MemoryStateStore
        assert type(store) is expected
        await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
        assert list((await store.read()).tickets) == ["a"]
    finally:
        await store.close()
