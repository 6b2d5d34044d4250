"""No frame content in the log: a canary through every error path of a live server at DEBUG.

One `virtualcite serve` at `LOG_LEVEL=DEBUG` (the most talkative setting an operator can pick)
receives frames carrying a canary wherever a rendering of the refusal would quote it: at the
start and at the end of the raw frame (what pydantic's `input_value` shows of a long input),
in the text, in a key, in the `type` tag, in bytes that are not UTF-8. Then the server is
stopped, so that everything it buffered is written, and its whole log (stdout and stderr) is
searched. With the old log formatter the deeply nested frame leaked the frame's start and end
(a pydantic error, in the context of the crash it caused, quoted its `input_value`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import websockets

from rooms.frames import ROOM_SERVER_FRAMES
from tests.e2e.journeys import accept_offer, room_host_on, room_joined, visitor_on
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient, login_cookie
from virtualcite.realtime.limits import MAX_FRAME_BYTES, MAX_MESSAGE_CHARS

CANARY = "kanarie-4d1c"
NESTING = 5_000  # past pydantic's JSON nesting limit (200) and Python's recursion limit (1,000)


def mark(path: str) -> str:
    """A canary naming its path, so that a leak says which one."""
    return f"{CANARY}-{path}"


def nested(path: str) -> str:
    """A deeply nested frame with the canary at its very start, in its middle and at its end."""
    inner = "[" * NESTING + json.dumps(mark(path + "-middle")) + "]" * NESTING
    return (f'{{"text":"{mark(path + "-start")}","type":"message","x":{inner},'
            f'"z":"{mark(path + "-end")}"}}')


def refused_frames(side: str) -> dict[str, str]:
    """Frames each socket must refuse, by the path they take through the server."""
    return {
        "malformed": f'{{"type": "message", "text": "{mark(side + "-malformed")}"',
        "wrong-type": json.dumps({"type": "message", "text": [mark(side + "-wrong-type")]}),
        "non-string-type": json.dumps({"type": [mark(side + "-type-list")]}),
        "too-long": json.dumps({"type": "message", "conversation": "k1",
                                "text": mark(side + "-too-long") * (MAX_MESSAGE_CHARS // 10)}),
        "unknown-frame": json.dumps({"type": mark(side + "-unknown-frame")}),
        "unknown-key": json.dumps({"type": "ping", mark(side + "-unknown-key"): 1}),
        "not-an-object": json.dumps([mark(side + "-list")]),
        "bad-client-id": json.dumps({"type": "message", "text": "a",
                                     "client_id": mark(side + "-client-id") * 20}),
        "nested-text": '{"type":"message","text":' + "[" * NESTING
                       + json.dumps(mark(side + "-nested-text")) + "]" * NESTING + "}",
        "nested": nested(side + "-nested"),
        "oversized": json.dumps({"type": "message",
                                 "text": mark(side + "-oversized") * (MAX_FRAME_BYTES // 10)}),
    }


# A live socket answers a ping at once; a socket whose handler died may never answer (issue 8
# item 1): this test is about the log, so it moves on to the next socket instead of failing.
ANSWER_SECONDS = 5.0


async def answered(client: WsClient) -> bool:
    """Whether the socket handled everything sent before it (a ping came back)."""
    try:
        await client.send(type="ping")
        await client.expect("pong", timeout=ANSWER_SECONDS)
    except (websockets.ConnectionClosed, AssertionError, TimeoutError):
        return False
    return True


async def send_each(open_socket: Callable[[], Awaitable[WsClient]], frames: dict[str, str]
                    ) -> None:
    """Each frame on a socket of its own, then a ping: a frame that closes its socket (1011,
    1007) hides no other, and no frame is refused by the rate limit before it is decoded."""
    for frame in frames.values():
        client = await open_socket()
        with contextlib.suppress(websockets.ConnectionClosed):
            await client.socket.send(frame)
        await answered(client)
        await client.close()


async def staff_socket(server: LiveServer, cookie: str) -> WsClient:
    client = await WsClient.open(f"{server.ws_url}/ws/counsellor/", origin=server.url,
                                 cookie=cookie)
    await client.send(type="hello")
    await client.expect("staff_welcome")
    return client


async def raw_bytes(server: LiveServer) -> None:
    """Invalid UTF-8 in a text frame (the transport closes with 1007) and a binary frame."""
    for payload, as_text in (
        (b'{"type":"message","text":"' + mark("utf8").encode() + b'\xff\xfe"}', True),
        (mark("binary").encode(), False),
    ):
        client = await visitor_on(server)
        with contextlib.suppress(websockets.ConnectionClosed):
            await client.socket.send(payload, text=as_text)
        await answered(client)
        await client.close()


async def before_hello_and_bad_tokens(server: LiveServer) -> None:
    silent = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
    await silent.send(type="message", text=mark("before-hello"))
    await silent.expect("error")
    await silent.close()
    for token in (mark("token"), mark("long-token") * 20):  # unknown, then too long
        client = await WsClient.open(f"{server.ws_url}/ws/visitor/", origin=server.url)
        await client.send(type="hello", token=token)
        await client.expect_any(("welcome", "error"))
        await client.close()


async def conversation_paths(server: LiveServer) -> None:
    """A real conversation carries the canary, then both sides write to it once it ended."""
    cookie = await asyncio.to_thread(login_cookie, server.url, "camille")
    camille = await staff_socket(server, cookie)
    await camille.send(type="shift_start", poles=["find-a-job"], capacity=2)
    await camille.expect("staff_state")
    guest = await visitor_on(server)
    await guest.send(type="message", text=mark("not-in-conversation"))
    await guest.expect("error")
    await guest.send(type="join", pole="find-a-job")
    await guest.expect("queued")
    conversation = await accept_offer(camille, guest)
    await guest.send(type="message", text=mark("chat"))
    assert mark("chat") in (await camille.expect("message", sender="visitor"))["html"]
    await camille.send(type="transfer", conversation=conversation, pole="find-a-job",
                       note=mark("note-too-long") * 100)
    await answered(camille)

    await camille.send(type="end", conversation=conversation, outcome_tags=["information"])
    await guest.expect("ended")
    await guest.send(type="message", text=mark("after-end-visitor"))
    await answered(guest)
    await camille.send(type="message", conversation=conversation, text=mark("after-end-staff"))
    await camille.send(type="message", conversation="k-unknown", text=mark("unknown-conv"))
    await answered(camille)
    for client in (guest, camille):
        await client.close()
    await send_each(lambda: staff_socket(server, cookie), refused_frames("staff"))


async def room_paths(server: LiveServer) -> None:
    """A room's messages carry the canary: relayed, refused from the waiting list, muted,
    in slow mode, and every malformed frame on both room routes."""
    room = "atelier-premiers-pas"  # the demo's second room, 10 seats
    nadia = await room_host_on(server, room)
    await nadia.send(type="message", text=mark("room-closed"))
    await nadia.expect("error")
    await nadia.send(type="open")
    await nadia.expect("room_status", status="open")
    guest, me = await room_joined(server, room)
    await guest.send(type="message", text=mark("room-chat"), client_id="c1")
    assert mark("room-chat") in (await nadia.expect("message"))["html"]
    await nadia.send(type="mute", participant=me["handle"], muted=True)
    await guest.expect("you")  # muted
    await guest.send(type="message", text=mark("room-muted"))
    await guest.expect("error")
    await nadia.send(type="mute", participant=me["handle"], muted=False)
    await guest.expect("you")  # unmuted
    await nadia.send(type="slow_mode", seconds=600)
    await guest.expect("slow_mode")
    await guest.send(type="message", text=mark("room-slow-1"))
    await guest.send(type="message", text=mark("room-slow-2"))
    await guest.expect("error")
    await nadia.send(type="close")
    await guest.expect("room_left")
    await guest.send(type="message", text=mark("room-after-close"))
    await guest.expect("error")
    for client in (guest, nadia):
        await client.close()

    async def participant() -> WsClient:
        client = await WsClient.open(f"{server.ws_url}/ws/room/{room}/", origin=server.url,
                                     frames=ROOM_SERVER_FRAMES)
        await client.send(type="hello", token=None)
        await client.expect("room_welcome")
        return client

    await send_each(participant, refused_frames("room"))
    await send_each(lambda: room_host_on(server, room), refused_frames("host"))


async def abuse(server: LiveServer) -> None:
    """Past the rate limit and the violation budget: the socket is closed as abusive (4029)."""
    client = await visitor_on(server)
    with contextlib.suppress(websockets.ConnectionClosed):
        for _ in range(40):
            await client.socket.send(f'{{"type":"message","text":"{mark("abuse")}"')
    await answered(client)
    await client.close()


@pytest.fixture(params=["embedded", pytest.param("redis", marks=pytest.mark.redis)])
def debug_server(tmp_path: Path, request: pytest.FixtureRequest) -> LiveServer:
    """At DEBUG, on the embedded default and with Redis (its layer and store log too)."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return LiveServer(tmp_path, redis_url=redis_url, extra_env={"LOG_LEVEL": "DEBUG"})


def test_no_frame_content_reaches_the_log_on_any_error_path(debug_server: LiveServer) -> None:
    steps: list[Callable[[], Awaitable[None]]] = [
        lambda: send_each(lambda: visitor_on(debug_server), refused_frames("visitor")),
        lambda: raw_bytes(debug_server),
        lambda: before_hello_and_bad_tokens(debug_server),
        lambda: conversation_paths(debug_server),
        lambda: room_paths(debug_server),
        lambda: abuse(debug_server),
    ]

    async def run() -> None:
        for step in steps:
            await step()

    debug_server.start()
    try:
        asyncio.run(run())
    finally:
        debug_server.stop()  # everything the server buffered is in the log now
    log = debug_server.log()

    assert '"level": "DEBUG"' in log  # the most talkative level really was on
    leaks = sorted({line[:200] for line in log.splitlines() if CANARY in line})
    assert not leaks, f"frame content in the log: {leaks}"
