"""A cap on the anonymous websocket sockets one client holds open, without keeping its address.

Each visitor socket is counted under an HMAC of its client address (virtualcite/proxy.py), with
a random key made by this process and replaced every `KEY_ROTATION_SECONDS`; when the key
changes, the live sockets are counted again under the new one and the old key is forgotten.
So this process holds, in memory only, one digest per client with a socket open right now: a
client's digest goes as soon as its last socket closes, and a digest says nothing once its key
is gone (an IPv4 address is 32 bits: a digest with its key could be reversed by trying them
all, so the key must not outlive the sockets it counted). The address itself stays where
daphne keeps it for the socket's life (the ASGI scope) and is copied nowhere.

A socket above the cap is accepted and closed at once with `CloseCode.TOO_MANY_SOCKETS`
(a close code needs an accepted socket), before any consumer runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from virtualcite.config import Network
from virtualcite.proxy import client_address
from virtualcite.realtime.protocol import CloseCode

logger = logging.getLogger(__name__)

# A key lives at most a minute (issue 8: "an HMAC kept in memory for a minute"), so an old
# digest found in memory cannot be checked against guessed addresses; re-counting the live
# sockets under the new key costs one HMAC each, once a minute.
KEY_ROTATION_SECONDS = 60.0
# 128 bits of digest: no two clients of one process collide in practice.
DIGEST_BYTES = 16


@dataclass(eq=False)
class Slot:
    """One counted socket: how to derive its address again, and its current digest."""

    address: Callable[[], str | None]
    digest: bytes


class ClientCounter:
    """Sockets per client digest, with the key rotation described in the module docstring."""

    def __init__(self, limit: int, *, rotate_seconds: float = KEY_ROTATION_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.rotate_seconds = rotate_seconds
        self._clock = clock
        self._key: bytes | None = None
        self._key_born = 0.0
        self._counts: dict[bytes, int] = {}
        self._slots: set[Slot] = set()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def clients(self) -> int:
        """How many distinct clients are counted (digests held) right now."""
        return len(self._counts)

    @property
    def has_key(self) -> bool:
        return self._key is not None

    def take(self, address: Callable[[], str | None]) -> Slot | None:
        """Count one more socket for this client, or None when it already holds `limit`."""
        self.rotate_if_due()
        if self._key is None:
            self._new_key()
        digest = self._digest(address())
        if self._counts.get(digest, 0) >= self.limit:
            return None
        self._counts[digest] = self._counts.get(digest, 0) + 1
        slot = Slot(address=address, digest=digest)
        self._slots.add(slot)
        self._schedule()
        return slot

    def release(self, slot: Slot) -> None:
        """The socket closed: uncount it, and forget the client with its last socket."""
        if slot not in self._slots:
            return
        self._slots.discard(slot)
        remaining = self._counts.get(slot.digest, 0) - 1
        if remaining > 0:
            self._counts[slot.digest] = remaining
        else:
            self._counts.pop(slot.digest, None)
        if not self._slots:
            self._forget_key()
        else:
            self.rotate_if_due()

    def rotate_if_due(self) -> None:
        if self._key is not None and self._clock() - self._key_born >= self.rotate_seconds:
            self.rotate()

    def rotate(self) -> None:
        """A fresh key; every live socket is counted again under it, the old key is dropped."""
        if not self._slots:
            self._forget_key()
            return
        self._new_key()
        self._counts = {}
        for slot in self._slots:
            slot.digest = self._digest(slot.address())
            self._counts[slot.digest] = self._counts.get(slot.digest, 0) + 1

    def _new_key(self) -> None:
        self._key = secrets.token_bytes(32)
        self._key_born = self._clock()

    def _forget_key(self) -> None:
        self._key = None
        self._counts = {}
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _digest(self, address: str | None) -> bytes:
        assert self._key is not None  # take() and rotate() make the key first
        data = (address or "").encode("utf-8", "surrogateescape")
        return hmac.new(self._key, data, hashlib.sha256).digest()[:DIGEST_BYTES]

    def _schedule(self) -> None:
        """Rotate on time even when no socket opens or closes (needs a running loop)."""
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # counted outside a loop (unit tests): rotation stays lazy
            return
        self._timer = loop.call_later(self.rotate_seconds, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.rotate_if_due()
        if self._slots:
            self._schedule()


class ClientSocketCap:
    """ASGI middleware: at most `limit` simultaneous sockets per client on the given paths.

    `limit` 0 turns the cap off. A scope without a client address (a unix socket, a test
    communicator) is not counted: there is nobody to tell apart.
    """

    def __init__(self, app: Any, *, limit: int, trusted: tuple[Network, ...],
                 capped: Callable[[str], bool], counter: ClientCounter | None = None) -> None:
        self.app = app
        self.trusted = trusted
        self.capped = capped  # which paths count (the anonymous routes)
        self.counter = counter if counter is not None else ClientCounter(limit)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if (scope["type"] != "websocket" or self.counter.limit <= 0
                or not self.capped(str(scope.get("path", "")))
                or client_address(scope, self.trusted) is None):
            return await self.app(scope, receive, send)
        slot = self.counter.take(lambda: client_address(scope, self.trusted))
        if slot is None:
            await _refuse(receive, send)
            return None
        try:
            return await self.app(scope, receive, send)
        finally:
            self.counter.release(slot)


async def _refuse(receive: Any, send: Any) -> None:
    """Accept, then close with the documented code: the client learns why (docs/protocol.md)."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    logger.info("websocket refused: too many sockets from one client",
                extra={"close_code": int(CloseCode.TOO_MANY_SOCKETS)})
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": int(CloseCode.TOO_MANY_SOCKETS)})
