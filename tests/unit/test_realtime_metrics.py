"""The realtime layer's own metrics: Redis errors counted where they are retried, the loop lag,
and the mutation latency, without a server."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import REGISTRY
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.waiting import eventually
from virtualcite.realtime.metrics import LOOP_LAG, LoopLag
from virtualcite.realtime.runner import MutationRunner
from virtualcite.realtime.store.memory import MemoryStateStore


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_every_failed_redis_attempt_is_counted_by_its_error_class() -> None:
    from virtualcite.realtime.store.redis_client import retrying

    before = sample("virtualcite_redis_errors_total", error="ConnectionError")
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RedisConnectionError("gone")
        return "ok"

    assert await retrying(flaky) == "ok"
    assert sample("virtualcite_redis_errors_total", error="ConnectionError") == before + 1


async def test_the_loop_lag_is_recorded_by_a_task_that_stops_when_asked() -> None:
    LOOP_LAG.set(-1.0)  # never a lag: the task's first measure replaces it
    lag = LoopLag(period=0.01)
    lag.ensure_running()
    lag.ensure_running()  # one task per loop

    async def recorded() -> float:
        return sample("virtualcite_event_loop_lag_seconds")

    await eventually(recorded, lambda value: value >= 0.0, what="a measured lag")
    await lag.stop()


@dataclass
class Counted:
    version: int = 0


async def test_each_mutation_is_timed_under_its_apps_name() -> None:
    before = sample("virtualcite_store_mutation_seconds_count", app="unit-app")
    runner = MutationRunner[Counted](clock=lambda: 1.0, name="unit-app")
    await runner.run(MemoryStateStore(Counted), lambda state, now: ([], None), key="k")
    assert sample("virtualcite_store_mutation_seconds_count", app="unit-app") == before + 1
