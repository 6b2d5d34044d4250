"""The project's two channel layers keep Channels' behaviour where it was costly.

The pub/sub layer (with REDIS_URL) drops this process's own relayed frames where its
subscription reads them, and nothing else; the in-memory layer sweeps expired messages once
a second instead of on every receive (virtualcite/realtime/relay_layer.py, memory_layer.py).
"""

from __future__ import annotations

import asyncio

from virtualcite.realtime.fanout import PROCESS_ID, Relayed
from virtualcite.realtime.memory_layer import SWEEP_SECONDS, EmbeddedChannelLayer
from virtualcite.realtime.relay_layer import BatchingShard, RelayPubSubChannelLayer, own_prefix


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_serialised_relayed_frame_of_this_process_starts_with_its_prefix() -> None:
    layer = RelayPubSubChannelLayer(hosts=["redis://127.0.0.1:1/0"])
    prefix = own_prefix(layer.serialize)
    mine = layer.serialize(Relayed(origin=PROCESS_ID, text='{"type":"message"}', skip=None)
                           .to_layer())
    other = layer.serialize(Relayed(origin="0" * 16, text="{}", skip=None).to_layer())
    assert prefix is not None and mine.startswith(prefix) and not other.startswith(prefix)


async def test_the_subscription_drops_only_this_process_s_own_relayed_frames() -> None:
    layer = RelayPubSubChannelLayer(hosts=["redis://127.0.0.1:1/0"])
    loop_layer = layer._get_layer()
    [shard] = loop_layer._shards
    assert isinstance(shard, BatchingShard)
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    loop_layer.channels["specific.a"] = queue
    group = loop_layer._get_group_channel_name("conversation.x")
    loop_layer.groups[group] = {"specific.a"}

    def arrive(origin: str, text: str) -> None:
        data = layer.serialize(Relayed(origin=origin, text=text, skip=None).to_layer())
        shard._receive_message({"channel": group.encode(), "data": data})

    arrive(PROCESS_ID, "mine")
    arrive("f" * 16, "from another process")
    shard._receive_message({"channel": group.encode(),
                            "data": layer.serialize({"type": "realtime.frame", "frame": {}})})

    received = [layer.deserialize(queue.get_nowait()) for _ in range(queue.qsize())]
    assert [m.get("text") for m in received] == ["from another process", None]


async def test_the_in_memory_layer_sweeps_expired_messages_once_a_second() -> None:
    clock = Clock()
    layer = EmbeddedChannelLayer(expiry=60, clock=clock)
    swept: list[float] = []
    original = layer._clean_expired.__func__  # type: ignore[attr-defined]

    def counting(self: EmbeddedChannelLayer) -> None:
        before = self._swept_at
        original(self)
        if self._swept_at != before:
            swept.append(clock.now)

    layer._clean_expired = counting.__get__(layer)  # type: ignore[method-assign]
    for _ in range(5):
        await layer.send("specific.a", {"type": "x"})
        await layer.receive("specific.a")
    clock.now += SWEEP_SECONDS
    await layer.send("specific.a", {"type": "x"})
    await layer.receive("specific.a")
    assert swept == [100.0, 100.0 + SWEEP_SECONDS]


async def test_an_expired_message_is_still_dropped_by_the_next_sweep() -> None:
    age = 61.0
    clock = Clock()
    layer = EmbeddedChannelLayer(expiry=60, clock=clock)
    await layer.send("specific.a", {"type": "old"})
    [(_channel, queue)] = layer.channels.items()
    expires, message = queue._queue[0]
    queue._queue[0] = (expires - age, message)  # sent `age` seconds ago
    clock.now += SWEEP_SECONDS
    await layer.send("specific.b", {"type": "new"})
    await layer.receive("specific.b")
    assert "specific.a" not in layer.channels
