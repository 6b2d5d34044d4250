"""channels_redis's pub/sub layer, with two costs of the chat path taken out.

With `REDIS_URL` every chat frame is published (fanout.py says why) and costs, on top of
the embedded path: one `PUBLISH` round trip, taken one at a time behind the shard's lock,
each with its own socket write; and its own copy coming back, decoded and queued for each
local socket of the group, whose task then wakes only to skip it.

- Publishes that arrive while one is in flight wait together and go as one pipeline: one
  write and one read for the batch, in arrival order. Each caller still returns only once
  Redis answered its own `PUBLISH` (the acknowledgement waits for the layer, as before),
  and gets the batch's error if it failed.
- A `Relayed` frame of this process (its payload starts with this process's id, see
  `own_prefix`) is dropped where the subscription reads it, before any queue. A payload
  the prefix does not recognise (another process's; an encrypted one) takes the usual
  path, where `realtime_relay` still skips this process's own copies.

Written against channels_redis 4.3.0 (pinned): it overrides `RedisSingleShardConnection`'s
`publish` and `_receive_message`, and `RedisPubSubChannelLayer._get_layer` to build them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close

from virtualcite.realtime.fanout import PROCESS_ID, Relayed


def own_prefix(serialize: Any) -> bytes | None:
    """The bytes every serialised `Relayed` of this process starts with, if it has any.

    `Relayed.to_layer` puts `origin` first, so a plain msgpack payload starts with the map's
    header and the origin: found by serialising an empty one. An encrypting serializer
    leaves no such prefix (None: nothing is dropped early).
    """
    sample = serialize(Relayed(origin=PROCESS_ID, text="", skip=None).to_layer())
    end = sample.find(PROCESS_ID.encode())
    return sample[:end + len(PROCESS_ID)] if end >= 0 else None


class BatchingShard(RedisSingleShardConnection):  # type: ignore[misc]  # untyped
    """A shard whose publishes are batched and whose own relayed frames are not read back."""

    def __init__(self, host: Any, channel_layer: RedisPubSubLoopLayer) -> None:
        super().__init__(host, channel_layer)
        self._pending: list[tuple[str, bytes, asyncio.Future[None]]] = []
        self._flushing = False
        self._flusher: asyncio.Future[None] | None = None  # kept: a bare task may be collected
        self._own = own_prefix(channel_layer.channel_layer.serialize)

    async def publish(self, channel: str, message: bytes) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((channel, message, future))
        if not self._flushing:
            self._flushing = True
            self._flusher = asyncio.ensure_future(self._flush())
        await future

    async def _flush(self) -> None:
        """Send what is pending as one pipeline, again until nothing is (one flusher)."""
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    async with self._lock:
                        self._ensure_redis()
                        if len(batch) == 1:  # a pipeline costs more than one command
                            await self._redis.publish(batch[0][0], batch[0][1])
                        else:
                            async with self._redis.pipeline(transaction=False) as pipe:
                                for channel, message, _future in batch:
                                    pipe.publish(channel, message)
                                await pipe.execute()
                except Exception as error:
                    for _channel, _message, future in batch:
                        if not future.done():
                            future.set_exception(error)
                except BaseException:  # cancelled: so are the publishes waiting on it
                    for _channel, _message, future in batch:
                        future.cancel()
                    raise
                else:
                    for _channel, _message, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._flushing = False
            for _channel, _message, future in self._pending:  # cancelled mid-flush
                if not future.done():
                    future.cancel()
            self._pending = []

    def _receive_message(self, message: dict[str, Any] | None) -> None:
        if message is not None and self._own is not None:
            data = message["data"]
            if isinstance(data, bytes) and data.startswith(self._own):
                return  # fanout.deliver wrote it to this process's sockets already
        super()._receive_message(message)


class BatchingLoopLayer(RedisPubSubLoopLayer):  # type: ignore[misc]  # untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shards: list[BatchingShard] = [
            BatchingShard(shard.host, self) for shard in self._shards]


class RelayPubSubChannelLayer(RedisPubSubChannelLayer):  # type: ignore[misc]  # untyped
    """The pub/sub layer of settings.CHANNEL_LAYERS with `REDIS_URL` (see the module)."""

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = BatchingLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer
