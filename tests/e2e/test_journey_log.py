"""A whole journey's log: one JSON object per line, every websocket line with its connection id,
every HTTP line with its request id, and never a message's text or the client's address.

One `virtualcite serve` (real daphne); a counsellor logs in and takes a shift, a visitor joins,
they chat (both sides write the canary), the counsellor ends, the visitor rates, and a page of
another site is refused at the handshake. The server is then stopped, so that everything it
buffered is written, and its whole output is read.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.e2e.journeys import accept_offer, counsellor_on, queued
from tests.e2e.live_server import LiveServer
from tests.e2e.ws_client import WsClient

CANARY = "kanarie-journey-7f2a"
CLIENT_ADDRESS = "127.0.0.1"  # where the test's sockets and requests come from
# The loggers of the code that handles a socket: each of their lines is a websocket line.
SOCKET_LOGGERS = ("chat.consumers", "rooms.consumers", "virtualcite.realtime.socket",
                  "virtualcite.staffing.consumers", "chat.relay", "rooms.relay")


async def journey(server: LiveServer) -> None:
    camille = await counsellor_on(server, "camille", ["find-a-job"], capacity=1)
    guest = await queued(server, "find-a-job")
    conversation = await accept_offer(camille, guest)
    await guest.send(type="message", text=f"{CANARY} visitor")
    await camille.expect("message", sender="visitor")
    await camille.send(type="message", conversation=conversation, text=f"{CANARY} counsellor")
    await guest.expect("message", sender="counsellor")
    await camille.send(type="end", conversation=conversation, outcome_tags=["information"])
    ended = await guest.expect("ended")
    assert ended["can_rate"]
    await guest.send(type="rate", conversation=conversation, score=5)
    await guest.expect("rated")
    for client in (guest, camille):
        await client.close()
    # A page of another site: refused at the handshake, before any consumer.
    with pytest.raises(websockets.InvalidStatus):
        await WsClient.open(f"{server.ws_url}/ws/visitor/", origin="http://elsewhere.example")


def entries(log: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The JSON log lines, and the lines that are not JSON (the command's own prints)."""
    parsed, other = [], []
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            other.append(line)
            continue
        parsed.append(entry) if isinstance(entry, dict) else other.append(line)
    return parsed, other


def is_websocket_line(entry: dict[str, Any]) -> bool:
    return (str(entry.get("message", "")).startswith("websocket")
            or str(entry.get("logger", "")).startswith(SOCKET_LOGGERS))


def test_a_journeys_log_ties_each_line_to_its_connection_and_holds_no_text_or_address(
        tmp_path: Path) -> None:
    # Snapshots every second, so that background lines are logged during the journey even on
    # CI's PostgreSQL, where other tests' servers may already have written this minute's.
    server = LiveServer(tmp_path, extra_env={"SNAPSHOT_SECONDS": "1"})
    server.start()
    try:
        asyncio.run(journey(server))
    finally:
        server.stop()
    log = server.log()
    parsed, other = entries(log)

    sockets = [entry for entry in parsed if is_websocket_line(entry)]
    connected = [entry for entry in sockets if entry["message"] == "websocket connected"]
    assert {entry["route"] for entry in connected} == {"visitor", "counsellor"}
    assert all(entry.get("connection_id") for entry in sockets), [
        entry for entry in sockets if not entry.get("connection_id")]
    closed = {entry["connection_id"] for entry in sockets if entry["message"] == "websocket closed"}
    assert {entry["connection_id"] for entry in connected} <= closed
    assert len({entry["connection_id"] for entry in connected}) == len(connected)
    rejected = [entry for entry in sockets if entry["message"] == "websocket rejected"]
    assert [entry["path"] for entry in rejected] == ["/ws/visitor/"]

    requests = [entry for entry in parsed if entry.get("message") == "http request"]
    assert any(entry["path"] == "/login/" for entry in requests)  # the counsellor's login
    assert all(entry.get("request_id") for entry in requests)
    assert not [entry for entry in requests if entry.get("connection_id")]
    # Work done for every socket (the desk's maintenance, the minute snapshots) is nobody's.
    background = [entry for entry in parsed if str(entry.get("logger")).startswith(
        ("chat.minutes", "chat.presence", "chat.lobby", "virtualcite.realtime.presence"))]
    assert background and not [entry for entry in background if entry.get("connection_id")]

    assert CANARY not in log
    assert not [entry for entry in parsed if CLIENT_ADDRESS in json.dumps(entry)]
    # Outside the JSON lines, only the command's own prints, which name where it listens.
    assert [line for line in other if CLIENT_ADDRESS in line and "serving on" not in line] == []
