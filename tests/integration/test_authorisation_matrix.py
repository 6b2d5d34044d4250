"""Every client frame type x every role, on both routes: the answer each combination gets.

The frame types are read from the route unions (chat/frames.py VISITOR_FRAMES and
COUNSELLOR_FRAMES), so a new frame type lands in the matrix by itself and fails until it has
a sample here. A cell's answer is one of:

- `allowed`: the frame reached its handler (its answer may still be a desk refusal such as
  `not_on_shift`, which is about the desk's state, not about who asks), and the socket lives;
- `unknown_frame`: the route does not take this type;
- `forbidden` then close 4003: a role withdrawn during the session;
- `close 4001` / `close 4003`: the route refused the socket at the handshake (no frame is read).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async

from chat.frames import COUNSELLOR_FRAMES, SERVER_FRAMES, VISITOR_FRAMES
from tests.frame_inputs import KNOWN_TYPES as ALL_TYPES
from tests.frame_inputs import sample
from tests.integration.desk_client import DeskClient, session_headers
from virtualcite.realtime.decoding import frame_types

pytestmark = pytest.mark.usefixtures("live_desk")

ROUTES = {"visitor": ("/ws/visitor/", VISITOR_FRAMES),
          "counsellor": ("/ws/counsellor/", COUNSELLOR_FRAMES)}

# Answers that mean the frame was stopped before its handler, whoever sent it.
GATE_CODES = {"unknown_frame", "malformed_frame", "hello_first", "forbidden"}


# --- the roles ---------------------------------------------------------------------------

def _cookie_of(username: str, *, deactivate: bool = False, log_out: bool = False,
               ) -> list[tuple[bytes, bytes]]:
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    headers = session_headers(username)
    if deactivate:
        User.objects.filter(username=username).update(is_active=False)
    if log_out:  # what Django's logout does to the session the browser still holds
        Session.objects.all().delete()
    return headers


def _set_role(username: str, role: str | None) -> None:
    from django.contrib.auth.models import Group, User

    user = User.objects.get(username=username)
    user.groups.set([Group.objects.get(name=role)] if role else [])


ROLES: dict[str, Callable[[], Awaitable[list[tuple[bytes, bytes]]]]] = {
    "anonymous": lambda: _async_value([]),
    "counsellor": lambda: database_sync_to_async(_cookie_of)("camille"),
    "facilitator": lambda: database_sync_to_async(_cookie_of)("nadia"),
    "manager": lambda: database_sync_to_async(_cookie_of)("marc"),
    "inactive": lambda: database_sync_to_async(_cookie_of)("karim", deactivate=True),
    "logged_out": lambda: database_sync_to_async(_cookie_of)("lea", log_out=True),
    "role_withdrawn": lambda: database_sync_to_async(_cookie_of)("hugo"),
}


async def _async_value(value: Any) -> Any:
    return value


def expected(route: str, role: str, kind: str) -> str:
    """The matrix itself: what `role` gets for a `kind` frame on `route`."""
    _path, frames = ROUTES[route]
    if route == "counsellor":
        # A deactivated account's session no longer logs anyone in (Django drops it).
        if role in {"anonymous", "logged_out", "inactive"}:
            return "close 4001"
        if role in {"facilitator", "manager"}:
            return "close 4003"
        # The role is checked again before the frame is read (ROLE_RECHECK_SECONDS).
        if role == "role_withdrawn":
            return "forbidden, close 4003"
    # The visitor route reads no cookie: every role is an anonymous visitor there.
    if kind not in frame_types(frames):
        return "unknown_frame"
    return "allowed"


# --- one cell ------------------------------------------------------------------------------

async def answer(route: str, role: str, cookie: list[tuple[bytes, bytes]], kind: str) -> str:
    """Open the route as `role`, greet, send a `kind` frame: what came back.

    The greeting comes first even when `kind` is `hello` (a second `hello` is allowed on
    both routes), so every frame is judged on a socket that is ready for it.
    """
    path, _frames = ROUTES[route]
    client = DeskClient(path, cookie)
    await client.connect()
    await client.send(**sample(route, "hello"))
    greeting = await next_output(client)
    if greeting["type"] == "websocket.close":
        return f"close {greeting['code']}"
    if role == "role_withdrawn":  # withdrawn in the admin while the desk page is open
        await database_sync_to_async(_set_role)("hugo", None)
    await client.send(**sample(route, kind))
    if kind != "ping":
        await client.send(type="ping")  # its pong marks the end of the frame's direct answer
    outcome = "allowed"
    while True:
        output = await next_output(client)
        if output["type"] == "websocket.close":
            closed = f"close {output['code']}"
            return closed if outcome == "allowed" else f"{outcome}, {closed}"
        if output["type"] == "error" and output["frame"] in (kind, None) \
                and output["code"] in GATE_CODES:
            outcome = output["code"]
        if output["type"] == "pong":  # the socket lives on
            await client.close()
            return outcome


async def next_output(client: DeskClient) -> dict[str, Any]:
    """The next frame the socket gets, or its close as {"type": "websocket.close", ...}."""
    output: dict[str, Any] = await client.communicator.receive_output(timeout=3)
    if output["type"] == "websocket.close":
        return output
    frame: dict[str, Any] = json.loads(output["text"])
    SERVER_FRAMES.validate_python(frame)  # every answer is a documented frame
    return frame


def test_every_frame_type_has_a_valid_sample_on_each_route_that_takes_it() -> None:
    for route, (_path, frames) in ROUTES.items():
        for kind in frame_types(frames):
            frames.validate_python(sample(route, kind))


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_authorisation_matrix(route: str, role: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One row of the matrix: every frame type, each on a fresh socket of `role`."""
    monkeypatch.setattr("virtualcite.realtime.staff_auth.ROLE_RECHECK_SECONDS", 0.0)  # every frame
    cookie = await ROLES[role]()
    answers = {}
    for kind in ALL_TYPES:
        answers[kind] = await answer(route, role, cookie, kind)
        if role == "role_withdrawn":
            await database_sync_to_async(_set_role)("hugo", "counsellor")
    assert answers == {kind: expected(route, role, kind) for kind in ALL_TYPES}
