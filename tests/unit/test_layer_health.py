"""Right after the channel layer's trouble, chat frames are refused, not acknowledged and lost."""

from __future__ import annotations

import pytest

from virtualcite.realtime.fanout import HELD_UP_SECONDS, SETTLE_SECONDS, LayerHealth, LayerSettling


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_healthy_layer_publishes() -> None:
    sent: list[str] = []
    health = LayerHealth(Clock())

    async def send() -> None:
        sent.append("frame")

    await health.publish(send)
    assert sent == ["frame"]


async def test_a_failed_publish_refuses_the_next_frames_until_the_layer_settled() -> None:
    clock = Clock()
    health = LayerHealth(clock)

    async def down() -> None:
        raise ConnectionError("Redis is down")

    with pytest.raises(ConnectionError):
        await health.publish(down)
    sent: list[str] = []

    async def send() -> None:
        sent.append("frame")

    clock.now += SETTLE_SECONDS - 0.5  # another process may not have re-subscribed yet
    with pytest.raises(LayerSettling):
        await health.publish(send)
    clock.now += 1.0
    await health.publish(send)
    assert sent == ["frame"]


async def test_a_publish_held_up_by_an_outage_is_not_acknowledged() -> None:
    clock = Clock()
    health = LayerHealth(clock)

    async def slow() -> None:
        clock.now += HELD_UP_SECONDS + 1  # redis-py retried until Redis came back

    with pytest.raises(LayerSettling):
        await health.publish(slow)
    assert health.settling()
