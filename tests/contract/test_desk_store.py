"""The desk's rules through each store adapter: what the generic contract cannot say."""

from __future__ import annotations

import asyncio

import pytest

from chat.core import desk, errors
from chat.core.events import ConversationEnded, ConversationStarted, OfferMade, VisitorQueued
from chat.core.model import DeskState, TicketStatus
from chat.core.testing import join, of_kind, offers, online
from tests.contract.conftest import StoreFactory
from virtualcite.realtime.store.base import StateStore

NOW = 1_000_000.0


async def test_a_join_is_kept_with_its_events(store: StateStore[DeskState]) -> None:
    events = await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))

    assert of_kind(events, VisitorQueued) == [VisitorQueued(token="a", pole="emploi", position=1)]
    state = await store.read()
    assert state.tickets["a"].status is TicketStatus.WAITING
    assert state.tickets["a"].arrived_at == NOW


async def test_a_refusal_by_the_desk_propagates_and_writes_nothing(
    store: StateStore[DeskState],
) -> None:
    await store.mutate(lambda state: join(state, "a", "emploi", now=NOW))
    before = await store.read()

    with pytest.raises(errors.AlreadyQueued):
        await store.mutate(lambda state: join(state, "a", "emploi", now=NOW + 1))

    assert await store.read() == before


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


async def test_concurrent_joins_are_each_offered_once(make_store: StoreFactory) -> None:
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
