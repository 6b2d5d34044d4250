"""The fixtures of the store contract: every test runs once per adapter (and per sample state
where it asks for `sample`)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.contract.samples import SAMPLES, Sample
from virtualcite.realtime.store.base import StateStore
from virtualcite.realtime.store.memory import MemoryStateStore
from virtualcite.realtime.store.redis import RedisStateStore

StoreFactory = Callable[..., StateStore[Any]]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store_kind(request: pytest.FixtureRequest) -> str:
    """The adapter under test; the Redis one needs the session's private redis-server."""
    kind: str = request.param
    return kind


@pytest.fixture(params=SAMPLES, ids=[sample.name for sample in SAMPLES])
def sample(request: pytest.FixtureRequest) -> Sample:
    """The state under test: the store's own small one, then each app's."""
    chosen: Sample = request.param
    return chosen


@pytest.fixture
def state_factory() -> Callable[[], Any]:
    """The desk's state, for the tests that run desk rules; the generic ones use `sample`."""
    from chat.core.model import DeskState

    return DeskState


@pytest.fixture
async def make_store(
    store_kind: str, request: pytest.FixtureRequest
) -> AsyncIterator[StoreFactory]:
    """Build stores of the adapter under test on one shared namespace, closed at the end.

    The state is the `sample`'s when the test uses one, else the desk's. Two Redis stores
    built here share their state, as two processes would; the memory store cannot be shared
    across objects, so every call returns the first one. Keyword arguments tune the Redis
    store's timings and are ignored by the memory store.
    """
    if "sample" in request.fixturenames:
        factory = request.getfixturevalue("sample").factory
    else:
        factory = request.getfixturevalue("state_factory")
    created: list[StateStore[Any]] = []
    namespace = f"test-{secrets.token_hex(4)}"
    url = request.getfixturevalue("redis_url") if store_kind == "redis" else ""

    def make(**options: float) -> StateStore[Any]:
        store: StateStore[Any]
        if store_kind == "redis":
            store = RedisStateStore(url, namespace=namespace, state_factory=factory, **options)
        elif created:
            return created[0]
        else:
            store = MemoryStateStore(factory)
        created.append(store)
        return store

    yield make
    for store in created:
        await store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> StateStore[Any]:
    """A fresh, empty store of the adapter under test."""
    return make_store()
