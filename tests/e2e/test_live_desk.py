"""The desk over real websockets against live daphne processes.

On the embedded default (one process), and with two daphne processes sharing one Redis:
the visitor on one, the counsellors on the other. The two-process run also proves the
conversation and a room's messages are transcript-free: a canary sent through them is found
nowhere afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.e2e.journeys import accept_offer, counsellor_on, queued, room_host_on, room_joined
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient
from tests.redis_server import RedisServer


async def conversation_with_transfer(visitor_server: LiveServer, staff_server: LiveServer,
                                     canary: str) -> None:
    """lobby → queue → offer → accept → chat → transfer → second counsellor → chat → end."""
    camille = await counsellor_on(staff_server, "camille", ["find-a-job"])
    karim = await counsellor_on(staff_server, "hugo", ["change-career"])
    guest = await queued(visitor_server, "find-a-job")
    conversation = await accept_offer(camille, guest)

    await guest.send(type="message", text=f"visitor says {canary}")
    assert canary in (await camille.expect("message", sender="visitor"))["html"]
    await camille.send(type="message", conversation=conversation, text=f"answer {canary}")
    assert canary in (await guest.expect("message", sender="counsellor"))["html"]

    await camille.send(type="transfer", conversation=conversation, pole="change-career",
                       note=f"handover {canary}")
    await guest.expect("transferred")
    second_offer = (await karim.expect("offer"))["offer"]
    assert second_offer["handover_note"] == f"handover {canary}"
    await karim.send(type="accept", visitor=second_offer["visitor"])
    matched = await guest.expect("matched")
    assert matched["counsellor"]["name"] == "Hugo"
    second = (await karim.expect("conversation"))["conversation"]["id"]
    await guest.send(type="message", text=f"again {canary}")
    assert canary in (await karim.expect("message", sender="visitor"))["html"]
    await karim.send(type="end", conversation=second, outcome_tags=["referral"])
    assert (await guest.expect("ended"))["can_rate"]
    await guest.send(type="rate", conversation=second, score=4)
    await guest.expect("rated")
    for client in (guest, camille, karim):
        await client.close()


async def room_session(host_server: LiveServer, participant_server: LiveServer,
                       canary: str) -> None:
    """A room opened on one process, a participant on the other: messages both ways."""
    nadia = await room_host_on(host_server, "club-reconversion")
    await nadia.send(type="open")
    await nadia.expect("room_status", status="open")
    guest, _me = await room_joined(participant_server, "club-reconversion")
    await guest.send(type="message", text=f"participant says {canary}", client_id="c1")
    assert canary in (await nadia.expect("message", role="participant"))["html"]
    await nadia.send(type="message", text=f"facilitator says {canary}")
    assert canary in (await guest.expect("message", role="facilitator"))["html"]
    await nadia.send(type="close")
    assert (await guest.expect("room_left"))["reason"] == "room_closed"
    for client in (guest, nadia):
        await client.close()


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path)
    server.start()
    yield server
    server.stop()


async def test_a_whole_conversation_on_the_embedded_default(embedded: LiveServer) -> None:
    await conversation_with_transfer(embedded, embedded, canary=secrets.token_hex(12))


@pytest.mark.redis
async def test_two_daphne_processes_share_the_desk_and_keep_no_transcript(
    two_daphnes: tuple[LiveServer, LiveServer], redis_server: RedisServer, tmp_path: Path,
) -> None:
    first, second = two_daphnes
    canary = "canary-" + secrets.token_hex(16)
    await conversation_with_transfer(first, second, canary=canary)
    await room_session(first, second, canary=canary)

    # Redis at rest: every key's value, then the RDB file written by SAVE.
    client = redis.Redis.from_url(redis_server.url)
    for key in client.scan_iter():
        dumped = client.dump(key) or b""
        assert canary.encode() not in dumped, f"canary in Redis key {key!r}"
    client.save()
    client.close()
    assert canary.encode() not in redis_server.rdb_path.read_bytes()

    # The database: a full dump (SQLite file or pg_dump).
    assert canary.encode() not in database_dump(tmp_path)

    # The logs of both processes, and Redis's own log.
    for server in (first, second):
        assert canary not in server.log()
        assert "127.0.0.1:" not in server.log().replace(f"127.0.0.1:{server.port}", "")
    assert canary.encode() not in (redis_server.directory / "redis.log").read_bytes()


@pytest.mark.redis
async def test_with_redis_each_chat_message_reaches_each_socket_exactly_once(
    two_daphnes: tuple[LiveServer, LiveServer],
) -> None:
    """Both ends on one process (written directly, the Redis copy skipped), then on two."""
    first, second = two_daphnes
    camille = await counsellor_on(first, "camille", ["find-a-job"])
    for guest_server in (first, second):
        guest = await queued(guest_server, "find-a-job")
        conversation = await accept_offer(camille, guest)
        for index in range(3):
            await guest.send(type="message", text=f"from the visitor {index}")
            await camille.send(type="message", conversation=conversation,
                               text=f"from the counsellor {index}")
        sent = sorted([f"from the visitor {i}" for i in range(3)]
                      + [f"from the counsellor {i}" for i in range(3)])
        for client in (guest, camille):
            await drain(client, seconds=1.0)
            assert sorted(f["html"] for f in client.seen
                          if f["type"] == "message" and f["conversation"] == conversation) == sent
        await camille.send(type="end", conversation=conversation, outcome_tags=[])
        await guest.expect("ended")
        await guest.close()
    await camille.close()


async def drain(client: WsClient, *, seconds: float) -> None:
    """Read whatever arrives within `seconds` into `client.seen`."""
    with contextlib.suppress(AssertionError, TimeoutError):
        await client.expect("nothing-is-of-this-type", timeout=seconds)


def database_dump(data_dir: Path) -> bytes:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgres"):
        return subprocess.run(["pg_dump", url], check=True, capture_output=True).stdout
    return (data_dir / "virtualcite.sqlite3").read_bytes()
