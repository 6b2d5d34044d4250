"""The local fast path: chat frames go straight to the sockets of this process.

A chat message, a typing notice or a card only has to be written to the conversation's other
sockets. Through the channel layer that costs, per message, a queue put and a dispatch for
every receiving socket and, in memory, a deep copy and a scan of every group. `deliver`
writes the frame to the sockets of this process directly, encoded once. When the layer
crosses processes (Redis), the frame also goes through it, tagged with this process's id,
for the sockets of other processes; sockets here skip the copy that comes back
(`from_this_process`). The text still only lives in memory and on the wire.

Publishing only when another process has sockets in the group would save Redis a round trip,
but a process cannot learn that another one joined without a race: a socket joining
elsewhere would miss the first frames. So with Redis every chat frame is published.

Desk frames (matched, ended, ...) keep going through the layer: each socket handles them in
its own task, in order, which their group joins and leaves depend on.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import ClassVar, Protocol

from channels.layers import InMemoryChannelLayer, get_channel_layer
from pydantic import BaseModel
from redis.exceptions import ConnectionError as RedisConnectionError

from virtualcite.realtime.messages import LayerMessage, layer_message

logger = logging.getLogger(__name__)

# Tells this process's frames apart from other processes' on a shared layer.
PROCESS_ID = secrets.token_hex(8)


class Member(Protocol):
    channel_name: str

    async def send_text(self, text: str) -> None:
        """Write an already encoded frame to the socket, unless it is closing."""


class LocalGroups:
    """Which sockets of this process are in which channel-layer group."""

    def __init__(self) -> None:
        self._members: defaultdict[str, dict[str, Member]] = defaultdict(dict)

    def add(self, group: str, member: Member) -> None:
        self._members[group][member.channel_name] = member

    def discard(self, group: str, member: Member) -> None:
        members = self._members.get(group)
        if members is not None:
            members.pop(member.channel_name, None)
            if not members:
                del self._members[group]

    def members(self, group: str) -> list[Member]:
        return list(self._members.get(group, {}).values())

    def clear(self) -> None:
        """Forget every socket (tests, between event loops: no socket outlives its loop)."""
        self._members.clear()


local_groups = LocalGroups()


@layer_message
@dataclasses.dataclass(frozen=True, slots=True)
class Relayed(LayerMessage):
    """A frame `deliver` wrote to this process's sockets, for the sockets of the others."""

    kind: ClassVar[str] = "realtime.relay"
    # The sending process (PROCESS_ID). First, so a serialised one starts with it and this
    # process drops its own copies unread (virtualcite/realtime/relay_layer.py).
    origin: str
    text: str  # the frame, encoded once
    skip: str | None  # the channel name of a socket that must not get it (the sender's)


async def deliver(group: str, frame: BaseModel, *, skip: str | None = None) -> None:
    """Write `frame` to every socket of `group` but `skip` (a channel name), wherever it is.

    The layer first: the sender's own copy is its acknowledgement, so it is written only
    once the frame was handed to the layer for the other processes. If the layer fails
    (Redis down), this raises before anyone got the frame and the sender is told.
    """
    text = frame.model_dump_json()
    layer = get_channel_layer()
    if not isinstance(layer, InMemoryChannelLayer):  # other processes may hold members
        relayed = Relayed(text=text, skip=skip, origin=PROCESS_ID).to_layer()
        await layer_health.publish(lambda: layer.group_send(group, relayed))
    for member in local_groups.members(group):
        if member.channel_name == skip:
            continue
        try:
            await member.send_text(text)
        except Exception as error:  # one broken socket must not keep the frame from the others
            # The type only: a traceback could carry the frame, and no log may hold its text.
            logger.warning("a local socket refused a relayed frame: %s", type(error).__name__)


class LayerHealth:
    """Refuses cross-process chat frames while the layer is just back from trouble.

    A `PUBLISH` that reaches no subscriber succeeds: right after a Redis outage this
    process can publish again a moment before another process's subscription is back
    (channels_redis re-subscribes a second after each failure), and a message acknowledged
    then is lost for the other end (docs/reliability.md, fault suite 5b). So for SETTLE_SECONDS
    after a publish failed or was held up, chat frames are refused (`service_unavailable`,
    the page shows them not sent) instead of acknowledged. A frame whose own publish was
    held up through the outage may have reached some subscribers: it is refused too, and
    may arrive twice if resent; a duplicate is seen, a lost message is not.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.trouble_at: float | None = None

    async def publish(self, send: Callable[[], Awaitable[None]]) -> None:
        if self.settling():
            raise LayerSettling("the channel layer is just back; this frame was not sent")
        started = self.clock()
        try:
            await send()
        except Exception:
            self.trouble_at = self.clock()
            raise
        if self.clock() - started > HELD_UP_SECONDS:
            self.trouble_at = self.clock()
            raise LayerSettling("the publish was held up by an outage; delivery is unsure")

    def settling(self) -> bool:
        return self.trouble_at is not None and self.clock() - self.trouble_at < SETTLE_SECONDS


class LayerSettling(RedisConnectionError):
    """A chat frame refused while the channel layer recovers (answered service_unavailable)."""


# channels_redis re-subscribes one second after a failure, then needs a round trip: three
# seconds leave every process's subscription back before a chat frame is acknowledged again.
SETTLE_SECONDS = 3.0
# A publish is a millisecond; one that took a second waited in redis-py's retries.
HELD_UP_SECONDS = 1.0
layer_health = LayerHealth()


def from_this_process(message: Relayed) -> bool:
    """A layer copy of a frame `deliver` has already written to this process's sockets."""
    return message.origin == PROCESS_ID


