"""The `store` fixture: every contract test runs once per adapter."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import pytest

from chat.core.model import DeskState
from chat.store.base import StateStore
from chat.store.memory import MemoryStateStore
from chat.store.redis import RedisStateStore

StoreFactory = Callable[..., StateStore[DeskState]]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store_kind(request: pytest.FixtureRequest) -> str:
    """The adapter under test; the Redis one needs the session's private redis-server."""
    kind: str = request.param
    return kind


@pytest.fixture
async def make_store(
    store_kind: str, request: pytest.FixtureRequest
) -> AsyncIterator[StoreFactory]:
    """Build stores of the adapter under test on one shared namespace, closed at the end.

    Two Redis stores built here share their state, as two processes would; the memory
    store cannot be shared across objects, so every call returns the first one. Keyword
    arguments tune the Redis store's timings and are ignored by the memory store.
    """
    created: list[StateStore[DeskState]] = []
    namespace = f"test-{secrets.token_hex(4)}"
    url = request.getfixturevalue("redis_url") if store_kind == "redis" else ""

    def make(**options: float) -> StateStore[DeskState]:
        store: StateStore[DeskState]
        if store_kind == "redis":
            store = RedisStateStore(url, namespace=namespace, state_factory=DeskState, **options)
        elif created:
            return created[0]
        else:
            store = MemoryStateStore(DeskState)
        created.append(store)
        return store

    yield make
    for store in created:
        await store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> StateStore[DeskState]:
    """A fresh, empty store of the adapter under test."""
    return make_store()
