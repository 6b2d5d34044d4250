"""The per-client cap on visitor sockets (virtualcite/connection_cap.py), at the ASGI level."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from virtualcite.connection_cap import ClientCounter, ClientSocketCap
from virtualcite.realtime.protocol import CloseCode

PATH = "/ws/visitor/"
PROXY = (ipaddress.ip_network("127.0.0.1/32"),)


async def accepting_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A consumer stand-in: accepts, then lives until the client goes."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        pass


@dataclass
class Socket:
    task: asyncio.Task[Any]
    inbox: asyncio.Queue[dict[str, Any]]
    sent: list[dict[str, Any]] = field(default_factory=list)

    async def answer(self) -> list[dict[str, Any]]:
        """What the server sent for the handshake: accept, and a close when refused."""
        for _ in range(100):
            if self.sent:
                await asyncio.sleep(0)  # a refusal's close follows its accept at once
                return self.sent
            await asyncio.sleep(0)
        raise AssertionError(f"no answer: {self.sent}")

    async def close(self) -> None:
        await self.inbox.put({"type": "websocket.disconnect", "code": 1000})
        await self.task


async def open_socket(cap: ClientSocketCap, peer: str, *,
                      forwarded_for: str | None = None, path: str = PATH) -> Socket:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else []
    scope = {"type": "websocket", "path": path, "client": [peer, 50000], "headers": headers}
    socket = Socket(task=None, inbox=inbox)  # type: ignore[arg-type]

    async def send(message: dict[str, Any]) -> None:
        socket.sent.append(message)

    socket.task = asyncio.ensure_future(cap(scope, inbox.get, send))
    await inbox.put({"type": "websocket.connect"})
    await socket.answer()
    return socket


def refused(socket: Socket) -> bool:
    return [m["type"] for m in socket.sent] == ["websocket.accept", "websocket.close"] and \
        socket.sent[-1]["code"] == CloseCode.TOO_MANY_SOCKETS


def accepted(socket: Socket) -> bool:
    return [m["type"] for m in socket.sent] == ["websocket.accept"]


def make_cap(limit: int = 3, counter: ClientCounter | None = None) -> ClientSocketCap:
    return ClientSocketCap(accepting_app, limit=limit, trusted=PROXY,
                           capped=lambda path: path == PATH, counter=counter)


async def test_a_client_above_the_cap_is_accepted_then_closed_with_4030() -> None:
    cap = make_cap(limit=3)
    sockets = [await open_socket(cap, "198.51.100.7") for _ in range(3)]
    assert all(accepted(s) for s in sockets)
    extra = await open_socket(cap, "198.51.100.7")
    assert refused(extra)
    other = await open_socket(cap, "198.51.100.8")  # another client is not concerned
    assert accepted(other)
    await sockets[0].close()
    again = await open_socket(cap, "198.51.100.7")  # one closed: room for one more
    assert accepted(again)
    for socket in [*sockets[1:], other, again]:
        await socket.close()


async def test_only_the_capped_paths_are_counted() -> None:
    cap = make_cap(limit=1)
    first = await open_socket(cap, "198.51.100.7", path="/ws/counsellor/")
    second = await open_socket(cap, "198.51.100.7", path="/ws/counsellor/")
    assert accepted(first) and accepted(second)
    await first.close()
    await second.close()


async def test_limit_zero_turns_the_cap_off() -> None:
    cap = make_cap(limit=0)
    sockets = [await open_socket(cap, "198.51.100.7") for _ in range(5)]
    assert all(accepted(s) for s in sockets)
    for socket in sockets:
        await socket.close()


async def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart() -> None:
    cap = make_cap(limit=1)
    a = await open_socket(cap, "127.0.0.1", forwarded_for="203.0.113.1")
    b = await open_socket(cap, "127.0.0.1", forwarded_for="203.0.113.2")
    a_again = await open_socket(cap, "127.0.0.1", forwarded_for="203.0.113.1")
    assert accepted(a) and accepted(b) and refused(a_again)
    for socket in (a, b):
        await socket.close()


async def test_an_untrusted_peer_cannot_escape_the_cap_by_writing_x_forwarded_for() -> None:
    cap = make_cap(limit=1)
    first = await open_socket(cap, "198.51.100.7", forwarded_for="203.0.113.1")
    second = await open_socket(cap, "198.51.100.7", forwarded_for="203.0.113.2")
    assert accepted(first) and refused(second)
    await first.close()


async def test_the_last_socket_closing_drops_the_digest_and_the_key() -> None:
    counter = ClientCounter(3)
    cap = make_cap(counter=counter)
    sockets = [await open_socket(cap, "198.51.100.7") for _ in range(2)]
    assert counter.clients == 1 and counter.has_key
    state = repr(vars(counter))
    assert "198.51.100.7" not in state  # digests only, never the address
    for socket in sockets:
        await socket.close()
    assert counter.clients == 0
    assert not counter.has_key


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_key_rotates_every_minute_and_live_sockets_stay_counted() -> None:
    clock = FakeClock()
    counter = ClientCounter(2, rotate_seconds=60, clock=clock)
    cap = make_cap(counter=counter)
    sockets = [await open_socket(cap, "198.51.100.7") for _ in range(2)]
    before = {slot.digest for slot in counter._slots}
    clock.now += 61
    extra = await open_socket(cap, "198.51.100.7")  # counted again under the new key: refused
    assert refused(extra)
    after = {slot.digest for slot in counter._slots}
    assert len(after) == 1 and after != before  # same client, new digest: the old key is gone
    await sockets[0].close()
    assert accepted(await open_socket(cap, "198.51.100.7"))
