"""Where the desk's state lives: in this process, or in Redis shared by every process.

`build_desk_store` is the one switch between the two deployments (see DESIGN.md): the Django
settings call it with `REDIS_URL`, and nothing above the store knows which one it got.
"""

from __future__ import annotations

from chat.core.model import DeskState
from chat.store.base import StateStore
from chat.store.memory import MemoryStateStore
from chat.store.redis import RedisStateStore

# One namespace per kind of state: the rooms' store will take its own next to it.
DESK_NAMESPACE = "desk"


def build_desk_store(redis_url: str | None) -> StateStore[DeskState]:
    """The Redis store on `redis_url`, or the in-memory store when it is None or empty."""
    if redis_url:
        return RedisStateStore(redis_url, namespace=DESK_NAMESPACE, state_factory=DeskState)
    return MemoryStateStore(DeskState)


__all__ = [
    "DESK_NAMESPACE",
    "MemoryStateStore",
    "RedisStateStore",
    "StateStore",
    "build_desk_store",
]
