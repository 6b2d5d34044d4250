"""Bad input, one case per test: the documented answer, and the socket and desk carry on.

Issue 8's bad inputs and the OWASP WebSocket Security Cheat Sheet's list, over Channels'
communicator against the real consumers. What only a real server shows (invalid UTF-8,
binary frames at the transport, the Origin check at the handshake, transport close codes) is
in tests/e2e/test_bad_input_live.py. Each test checks the error frame or close code of
docs/protocol.md and that the socket still answers (or, once closed, that a new page can join).
"""

from __future__ import annotations

import asyncio
import html as htmllib
import json
import secrets
import time
from html.parser import HTMLParser

import pytest
from channels.db import database_sync_to_async

from chat.runtime import desk_runtime
from tests.integration.desk_client import DeskClient
from tests.integration.people import (
    a_new_visitor_can_still_join,
    alive,
    closed_with,
    counsellor,
    matched_pair,
    refused,
    staff_socket,
    visitor,
    waiting_visitor,
)
from virtualcite.realtime.identity import new_token
from virtualcite.realtime.limits import (
    FRAME_BURST,
    MAX_FRAME_BYTES,
    MAX_MESSAGE_CHARS,
    MAX_VIOLATIONS,
)
from virtualcite.realtime.protocol import CloseCode

pytestmark = pytest.mark.usefixtures("live_desk")

ASTRAL = "\U0001f600"  # an emoji: 12 bytes once escaped as a surrogate pair


async def send_raw(client: DeskClient, text: str) -> None:
    await client.communicator.send_to(text_data=text)


def elements_in(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The elements a browser would build from `html`, with their attributes."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collector().feed(html)
    return found


# --- not JSON, or JSON the protocol does not read --------------------------------------------

async def test_text_that_is_not_json_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, "{not json")
    await refused(guest, "malformed_frame", frame=None)
    await alive(guest)


async def test_a_json_array_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '[{"type": "ping"}]')
    await refused(guest, "malformed_frame", frame=None)
    await alive(guest)


async def test_a_json_scalar_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '"ping"')
    await refused(guest, "malformed_frame", frame=None)
    await alive(guest)


async def test_deeply_nested_json_is_a_malformed_frame_for_a_waiting_visitor() -> None:
    guest, token = await waiting_visitor()
    await send_raw(guest, '{"type": "ping", "x": ' + "[" * 5000 + "]" * 5000 + "}")
    await refused(guest, "malformed_frame")
    await alive(guest)
    state = await desk_runtime().store.read()
    assert state.tickets[token].disconnected_at is None  # the place is still this socket's


async def test_deeply_nested_json_is_a_malformed_frame_for_a_counsellor() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    await send_raw(camille, "[" * 5000 + "]" * 5000)
    await refused(camille, "malformed_frame", frame=None)
    await alive(camille)


async def test_a_key_given_twice_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '{"type": "ping", "type": "join", "pole": "find-a-job"}')
    await refused(guest, "malformed_frame")
    await alive(guest)


async def test_a_nan_literal_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '{"type": "rate", "conversation": "c1", "score": NaN}')
    await refused(guest, "malformed_frame", frame=None)  # not JSON: nothing could be read
    await alive(guest)


async def test_an_infinity_literal_is_a_malformed_frame() -> None:
    camille = await counsellor("camille")
    await send_raw(camille, '{"type": "block", "conversation": "c1", "hours": Infinity}')
    await refused(camille, "malformed_frame", frame=None)  # not JSON: nothing could be read
    await alive(camille)


async def test_a_number_too_large_for_a_float_is_a_malformed_frame() -> None:
    camille = await counsellor("camille")
    await send_raw(camille, '{"type": "block", "conversation": "c1", "hours": 1e400}')
    await refused(camille, "malformed_frame", frame="block")
    await alive(camille)


async def test_an_integer_of_thousands_of_digits_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '{"type": "rate", "conversation": "c1", "score": ' + "9" * 5000 + "}")
    await refused(guest, "malformed_frame")
    await alive(guest)


async def test_a_lone_surrogate_escape_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '{"type": "hello", "token": "\\ud800"}')
    await refused(guest, "malformed_frame")
    await alive(guest)


async def test_a_null_byte_after_the_json_is_a_malformed_frame() -> None:
    guest = await visitor()
    await send_raw(guest, '{"type": "ping"}\x00')
    await refused(guest, "malformed_frame")
    await alive(guest)


async def test_a_binary_frame_is_a_malformed_frame() -> None:
    guest = await visitor()
    await guest.communicator.send_to(bytes_data=b'{"type": "ping"}')
    await refused(guest, "malformed_frame", frame=None)
    await alive(guest)


# --- the `type` ---------------------------------------------------------------------------

async def test_a_frame_without_a_type_is_a_malformed_frame() -> None:
    guest = await visitor()
    await guest.send(pole="find-a-job")
    await refused(guest, "malformed_frame", frame=None)
    await alive(guest)


@pytest.mark.parametrize("kind", [5, None, True, ["ping"], {"type": "ping"}])
async def test_a_type_that_is_not_a_string_is_a_malformed_frame(kind: object) -> None:
    guest = await visitor()
    await guest.send(type=kind)
    await refused(guest, "malformed_frame", frame=None)
    await alive(guest)


async def test_an_unknown_type_is_an_unknown_frame_named_in_the_error() -> None:
    guest = await visitor()
    await guest.send(type="teleport")
    await refused(guest, "unknown_frame", frame="teleport")
    await alive(guest)


async def test_a_type_made_of_markup_is_refused_without_being_echoed() -> None:
    guest = await visitor()
    await guest.send(type="<img src=x onerror=alert(1)>")
    await refused(guest, "unknown_frame", frame=None)
    await alive(guest)


async def test_a_lookalike_type_in_another_script_is_unknown_and_not_echoed() -> None:
    guest = await visitor()
    await guest.send(type="p\u0456ng")  # Cyrillic i
    await refused(guest, "unknown_frame", frame=None)
    await alive(guest)


async def test_a_counsellor_frame_on_the_visitor_route_is_an_unknown_frame() -> None:
    guest = await visitor()
    await guest.send(type="accept", visitor="c83c0c85f8e6fe97")
    await refused(guest, "unknown_frame", frame="accept")
    await alive(guest)


async def test_a_visitor_frame_on_the_counsellor_route_is_an_unknown_frame() -> None:
    camille = await counsellor("camille")
    await camille.send(type="join", pole="find-a-job")
    await refused(camille, "unknown_frame", frame="join")
    await alive(camille)


# --- strict types: nothing is coerced -------------------------------------------------------

async def test_a_string_of_digits_is_not_taken_for_an_integer() -> None:
    guest = await visitor()
    await guest.send(type="rate", conversation="c1", score="5")
    await refused(guest, "malformed_frame", frame="rate")
    await alive(guest)


async def test_true_is_not_taken_for_an_integer() -> None:
    guest = await visitor()
    await guest.send(type="rate", conversation="c1", score=True)
    await refused(guest, "malformed_frame", frame="rate")
    await alive(guest)


async def test_a_float_is_not_taken_for_an_integer() -> None:
    camille = await counsellor("camille")
    await camille.send(type="shift_start", poles=["find-a-job"], capacity=2.0)
    await refused(camille, "malformed_frame", frame="shift_start")
    await alive(camille)


async def test_one_is_not_taken_for_true() -> None:
    guest = await visitor()
    await guest.send(type="typing", active=1)
    await refused(guest, "malformed_frame", frame="typing")
    await alive(guest)


async def test_a_number_is_not_taken_for_a_string() -> None:
    guest = await visitor()
    await guest.send(type="join", pole=5)
    await refused(guest, "malformed_frame", frame="join")
    await alive(guest)


async def test_an_unknown_field_is_a_malformed_frame() -> None:
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job", priority=1)
    await refused(guest, "malformed_frame", frame="join")
    await alive(guest)


async def test_a_pole_slug_with_a_lookalike_letter_is_a_malformed_frame() -> None:
    guest = await visitor()
    await guest.send(type="join", pole="find-a-j\u043eb")  # Cyrillic o
    await refused(guest, "malformed_frame", frame="join")
    await alive(guest)


async def test_a_block_longer_than_thirty_days_is_a_malformed_frame() -> None:
    camille = await counsellor("camille")
    await camille.send(type="block", conversation="c1", hours=24 * 30 + 1)
    await refused(camille, "malformed_frame", frame="block")
    await alive(camille)


# --- sizes and rates --------------------------------------------------------------------------

async def test_a_message_over_2000_characters_is_too_long() -> None:
    guest = await visitor()
    await guest.send(type="message", text="x" * (MAX_MESSAGE_CHARS + 1))
    await refused(guest, "message_too_long", frame="message")
    await alive(guest)


async def test_a_message_of_2000_emoji_escaped_as_surrogate_pairs_is_delivered() -> None:
    camille, guest, conversation = await matched_pair()
    text = ASTRAL * MAX_MESSAGE_CHARS
    frame = json.dumps({"type": "message", "conversation": conversation, "text": text,
                        "client_id": ASTRAL * 64})  # ASCII-only: 12 bytes per character
    assert len(frame.encode()) > 24_000
    await send_raw(camille, frame)
    ack = await camille.expect("message", sender="counsellor")
    assert ack["html"] == text and ack["client_id"] == ASTRAL * 64
    assert (await guest.expect("message", sender="counsellor"))["html"] == text


async def test_a_message_of_2000_control_characters_escaped_is_not_refused() -> None:
    _camille, guest, _conversation = await matched_pair()
    text = "x" + "\x01" * (MAX_MESSAGE_CHARS - 1)  # each one `\u0001`, 6 bytes
    await send_raw(guest, json.dumps({"type": "message", "text": text, "client_id": "m1"}))
    ack = await guest.expect("message", sender="visitor")
    assert ack["client_id"] == "m1"


async def test_a_frame_over_the_budget_is_too_large() -> None:
    guest = await visitor()
    await guest.send(type="message", text="x" * (MAX_FRAME_BYTES + 1))
    await refused(guest, "frame_too_large", frame=None)
    await alive(guest)


async def test_repeated_oversized_frames_close_the_socket_with_4029() -> None:
    guest = await visitor()
    for _ in range(MAX_VIOLATIONS + 1):
        await send_raw(guest, " " * (MAX_FRAME_BYTES + 1))
    await closed_with(guest, CloseCode.ABUSE)
    await a_new_visitor_can_still_join()


async def test_a_flood_is_rate_limited_then_closed_with_4029() -> None:
    guest = await visitor()
    for _ in range(FRAME_BURST + MAX_VIOLATIONS + 2):
        await guest.send(type="ping")
    await refused(guest, "rate_limited", frame="ping")
    await closed_with(guest, CloseCode.ABUSE)
    await a_new_visitor_can_still_join()


async def test_a_rate_limited_message_is_named_so_its_page_can_say_it_was_not_sent() -> None:
    camille, guest, _conversation = await matched_pair("camille", "find-a-job")
    sent = [f"m{number}" for number in range(FRAME_BURST + 1)]
    for client_id in sent:
        await guest.send(type="message", text=f"line {client_id}", client_id=client_id)
    refused_ids = set()
    while sent[-1] not in refused_ids:  # the last one is over the burst: refused, and named
        error = await refused(guest, "rate_limited", frame="message")
        refused_ids.add(error["client_id"])
    await camille.send(type="ping")
    await camille.expect("pong")  # what the visitor's socket relayed was written before
    relayed = {f["client_id"] for f in camille.seen if f["type"] == "message"}
    assert relayed == set(sent) - refused_ids, "a refused message was delivered, or one lost"


# --- texts that show nothing, markup, unicode tricks ------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u00a0\u3000"],
                         ids=["empty", "spaces", "newlines", "wide-spaces"])
async def test_a_message_of_only_blanks_is_refused_as_empty(text: str) -> None:
    guest = await visitor()
    await guest.send(type="message", text=text)
    await refused(guest, "empty_message", frame="message")
    await alive(guest)


async def test_a_message_of_only_zero_width_characters_is_refused_as_empty() -> None:
    _camille, guest, _conversation = await matched_pair()
    await guest.send(type="message", text="\u200b\u200c\u200d\u2060\ufeff", client_id="m1")
    await refused(guest, "empty_message", frame="message")
    await alive(guest)


async def test_a_colleague_message_of_only_blanks_is_refused_as_empty() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    await camille.send(type="colleague_message", text=" \u200b ")
    await refused(camille, "empty_message", frame="colleague_message")
    await alive(camille)


async def test_html_and_script_payloads_arrive_as_inert_text() -> None:
    camille, guest, _conversation = await matched_pair()
    payload = ('<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1) '
               '<a href="javascript:alert(1)">x</a>')
    await guest.send(type="message", text=payload)
    html = (await camille.expect("message", sender="visitor"))["html"]
    assert elements_in(html) == []  # all of it is text: no element, no attribute
    assert htmllib.unescape(html) == payload


async def test_typed_entities_arrive_as_typed() -> None:
    camille, guest, _conversation = await matched_pair()
    await guest.send(type="message", text="&lt;b&gt; &amp; &#x41;")
    html = (await camille.expect("message", sender="visitor"))["html"]
    assert html == "&amp;lt;b&amp;gt; &amp;amp; &amp;#x41;"  # displays `&lt;b&gt; &amp; &#x41;`


async def test_a_bidi_override_inside_a_link_cannot_disguise_it() -> None:
    camille, guest, conversation = await matched_pair()
    await camille.send(type="message", conversation=conversation,
                       text="https://example.org/\u202egpj.exe")
    html = (await guest.expect("message", sender="counsellor"))["html"]
    assert "\u202e" not in html and 'dir="ltr"' in html
    assert 'href="https://example.org/%E2%80%AEgpj.exe"' in html


async def test_null_bytes_inside_a_message_are_dropped_not_relayed() -> None:
    camille, guest, _conversation = await matched_pair()
    await guest.send(type="message", text="a\x00b https://example.org")
    html = (await camille.expect("message", sender="visitor"))["html"]
    assert "\x00" not in html and html.startswith("ab ")


# --- order of frames --------------------------------------------------------------------------

async def test_a_frame_before_hello_is_refused_on_the_visitor_route() -> None:
    guest = DeskClient("/ws/visitor/")
    await guest.connect()
    await guest.send(type="join", pole="find-a-job")
    await refused(guest, "hello_first", frame="join")
    await guest.send(type="hello", token=None)
    await guest.expect("welcome")
    await alive(guest)


async def test_a_frame_before_hello_is_refused_on_the_counsellor_route() -> None:
    camille = await staff_socket("camille")
    await camille.send(type="shift_start", poles=["find-a-job"], capacity=1)
    await refused(camille, "hello_first", frame="shift_start")
    await camille.send(type="hello")
    await camille.expect("staff_welcome")
    await alive(camille)


async def test_a_second_hello_from_a_waiting_visitor_keeps_the_place() -> None:
    guest, token = await waiting_visitor()
    await guest.send(type="hello", token=token)
    welcome = await guest.expect("welcome")
    assert (welcome["token"], welcome["state"]["status"]) == (token, "waiting")
    await alive(guest)


async def test_a_second_hello_from_a_counsellor_resynchronises() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    await camille.send(type="hello")
    assert (await camille.expect("staff_welcome"))["state"]["shift"]["status"] == "available"
    await alive(camille)


# --- tokens and ids -------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["x", "../../etc/passwd", "' OR 1=1 --", "<script>", " " * 22],
                         ids=["short", "path", "sql", "markup", "blanks"])
async def test_a_token_of_the_wrong_shape_resumes_nothing(token: str) -> None:
    guest = DeskClient("/ws/visitor/")
    await guest.connect()
    await guest.send(type="hello", token=token)
    welcome = await guest.expect("welcome")
    assert (welcome["token"], welcome["state"]["status"]) == (None, "idle")
    await alive(guest)


async def test_a_token_longer_than_128_characters_is_a_malformed_frame() -> None:
    guest = DeskClient("/ws/visitor/")
    await guest.connect()
    await guest.send(type="hello", token="a" * 129)
    await refused(guest, "malformed_frame", frame="hello")
    await guest.send(type="hello", token=None)
    await guest.expect("welcome")


async def test_a_guessed_token_resumes_nothing_and_leaves_the_real_place_alone() -> None:
    owner, token = await waiting_visitor()
    guesser = DeskClient("/ws/visitor/")
    await guesser.connect()
    await guesser.send(type="hello", token=new_token())
    welcome = await guesser.expect("welcome")
    assert (welcome["token"], welcome["state"]["status"]) == (None, "idle")
    state = await desk_runtime().store.read()
    assert token in state.tickets and state.tickets[token].disconnected_at is None
    await alive(owner)


async def test_an_expired_token_resumes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    guest, token = await waiting_visitor()
    await guest.close()
    grace = desk_runtime().config.visitor_grace
    desk_runtime().clock = lambda: time.time() + grace + 1
    again = DeskClient("/ws/visitor/")
    await again.connect()
    await again.send(type="hello", token=token)
    welcome = await again.expect("welcome")
    assert (welcome["token"], welcome["state"]["status"]) == (None, "idle")
    await alive(again)


async def test_rating_the_conversation_of_another_visitor_is_refused() -> None:
    camille, guest, conversation = await matched_pair()
    await camille.send(type="end", conversation=conversation, outcome_tags=[])
    await guest.expect("ended")
    other = await visitor()
    await other.send(type="rate", conversation=conversation, score=1)
    await refused(other, "nothing_to_rate", frame="rate")
    await alive(other)
    await guest.send(type="rate", conversation=conversation, score=5)
    await guest.expect("rated")  # the real visitor's rating is untouched


async def test_a_counsellor_cannot_act_on_a_colleagues_conversation() -> None:
    camille, guest, conversation = await matched_pair()
    karim = await counsellor("karim", ["find-training"])
    for frame in ({"type": "message", "conversation": conversation, "text": "intrusion"},
                  {"type": "end", "conversation": conversation},
                  {"type": "block", "conversation": conversation, "hours": 1}):
        await karim.send(**frame)
        await refused(karim, "not_in_conversation", frame=frame["type"])
    await camille.send(type="message", conversation=conversation, text="still here")
    assert (await guest.expect("message", sender="counsellor"))["html"] == "still here"
    await alive(karim)


async def test_a_counsellor_cannot_accept_a_visitor_offered_to_a_colleague() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    guest, _token = await waiting_visitor()
    offer = (await camille.expect("offer"))["offer"]
    karim = await counsellor("karim", ["find-training"])
    await karim.send(type="accept", visitor=offer["visitor"])
    await refused(karim, "no_such_offer", frame="accept")
    await camille.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    await alive(karim)


async def test_a_handle_that_is_not_hexadecimal_is_a_malformed_frame() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    await camille.send(type="accept", visitor=secrets.token_urlsafe(16))
    await refused(camille, "malformed_frame", frame="accept")
    await alive(camille)


# --- the desk's own refusals ----------------------------------------------------------------

async def test_an_unknown_pole_is_refused() -> None:
    guest = await visitor()
    await guest.send(type="join", pole="astrology")
    await refused(guest, "unknown_pole", frame="join")
    await alive(guest)


async def test_a_closed_pole_is_refused_and_issues_no_token() -> None:
    await database_sync_to_async(_close_today)("find-a-job")
    desk_runtime().directory.invalidate()
    guest = await visitor()
    await guest.send(type="join", pole="find-a-job")
    await refused(guest, "pole_closed", frame="join")
    await alive(guest)
    state = await desk_runtime().store.read()
    assert state.tickets == {}


async def test_a_full_queue_is_refused() -> None:
    await database_sync_to_async(_set_queue_capacity)("find-a-job", 1)
    desk_runtime().directory.invalidate()
    first, _token = await waiting_visitor()
    second = await visitor()
    await second.send(type="join", pole="find-a-job")
    await refused(second, "queue_full", frame="join")
    await alive(second)
    await alive(first)


async def test_a_blocked_visitor_is_told_until_when_and_cannot_join() -> None:
    camille, guest, conversation = await matched_pair()
    await camille.send(type="block", conversation=conversation, hours=1)
    until = (await guest.expect("blocked"))["until"]
    state = await guest.expect("state", timeout=8)
    assert state["state"]["blocked_until"] == until
    await guest.send(type="join", pole="find-a-job")
    await refused(guest, "blocked", frame="join")
    await alive(guest)


async def test_too_many_tabs_name_the_hello_refused_then_close_4009() -> None:
    _first, token = await waiting_visitor()
    tabs = []  # kept referenced: a dropped communicator cancels its socket, which lets go
    for _ in range(2):
        tab = DeskClient("/ws/visitor/")
        await tab.connect()
        await tab.send(type="hello", token=token)
        await tab.expect("welcome")
        tabs.append(tab)
    extra = DeskClient("/ws/visitor/")
    await extra.connect()
    await extra.send(type="hello", token=token)
    await refused(extra, "too_many_connections", frame="hello")
    await closed_with(extra, CloseCode.TOO_MANY_CONNECTIONS)
    await a_new_visitor_can_still_join()


async def test_a_resumed_place_is_followed_by_its_position() -> None:
    guest, token = await waiting_visitor()
    await guest.close()
    again = DeskClient("/ws/visitor/")
    await again.connect()
    await again.send(type="hello", token=token)
    assert (await again.receive())["type"] == "welcome"
    position = await again.receive()
    assert (position["type"], position["pole"], position["position"]) == \
        ("position", "find-a-job", 1)


async def test_ending_a_shift_with_nothing_running_says_draining_then_offline() -> None:
    camille = await counsellor("camille", ["find-a-job"])
    await camille.send(type="shift_end")
    await camille.expect("staff_state")
    first = await camille.expect("shift")
    second = await camille.expect("shift")
    assert (first["shift"]["status"], first["reason"]) == ("draining", None)
    assert (second["shift"], second["reason"]) == (None, "offline")
    await alive(camille)


# --- cross-site websocket hijacking ----------------------------------------------------------

@pytest.mark.parametrize("route", ["/ws/visitor/", "/ws/counsellor/"])
async def test_a_foreign_origin_is_refused(route: str) -> None:
    client = DeskClient(route)
    client.communicator.scope["headers"] = [(b"origin", b"https://evil.example")]
    connected, _ = await client.connect()
    assert not connected
    await a_new_visitor_can_still_join()


@pytest.mark.parametrize("route", ["/ws/visitor/", "/ws/counsellor/"])
async def test_a_handshake_without_origin_is_refused(route: str) -> None:
    client = DeskClient(route)
    client.communicator.scope["headers"] = []
    connected, _ = await client.connect()
    assert not connected
    await a_new_visitor_can_still_join()


def _close_today(slug: str) -> None:
    from django.utils import timezone

    from virtualcite.models import ClosedDate, Pole

    ClosedDate.objects.create(pole=Pole.objects.get(slug=slug), day=timezone.localdate(),
                              reason="test")


def _set_queue_capacity(slug: str, capacity: int) -> None:
    from virtualcite.models import Pole

    Pole.objects.filter(slug=slug).update(queue_capacity=capacity)


async def test_a_counsellor_whose_role_is_withdrawn_mid_shift_is_closed_and_lets_go(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from chat.presence import presence

    hugo = await counsellor("hugo", ["change-career"])
    monkeypatch.setattr("virtualcite.realtime.staff_auth.ROLE_RECHECK_SECONDS", 0.0)
    await database_sync_to_async(_withdraw_roles)("hugo")
    await hugo.send(type="ping")
    await refused(hugo, "forbidden", frame=None)
    await closed_with(hugo, CloseCode.FORBIDDEN)
    for _ in range(300):  # the shift ends just after the close: wait on it (up to 3 s)
        if hugo.me_id not in (await desk_runtime().store.read()).counsellors:
            break
        await asyncio.sleep(0.01)
    await presence.maintain_once()
    assert hugo.me_id not in (await desk_runtime().store.read()).counsellors, \
        "a counsellor who may no longer counsel is still on the desk"
    assert hugo.me_id not in presence.counsellors.live_keys()
    await a_new_visitor_can_still_join()


def _withdraw_roles(username: str) -> None:
    from django.contrib.auth.models import User

    User.objects.get(username=username).groups.clear()
