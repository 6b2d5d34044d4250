"""The frame decoder alone (virtualcite/realtime/decoding.py): every input ends in a frame or
a documented code.

The sockets around it are fuzzed in tests/integration/test_frame_fuzz.py; here the decoder is
driven directly, fast enough for many examples.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from chat.frames import COUNSELLOR_FRAMES, VISITOR_FRAMES, MessageIn
from tests.frame_inputs import KNOWN_TYPES, texts
from virtualcite.realtime.decoding import Refusal, decode_frame, frame_types
from virtualcite.realtime.errors import RateLimited, UnknownFrame, documented_codes
from virtualcite.realtime.limits import MAX_FRAME_BYTES, MAX_MESSAGE_CHARS

ROUTES = {"visitor": VISITOR_FRAMES, "counsellor": COUNSELLOR_FRAMES}
ASTRAL = "\U0001f600"  # an emoji: a surrogate pair, `\ud83d\ude00`, once ASCII-escaped


def decode(frames: TypeAdapter[Any], text: str | None = None, data: bytes | None = None) -> Any:
    return decode_frame(frames, text, data, admit=lambda: True)


def worst_case_message() -> str:
    """The longest frame a conforming client can send: the budget MAX_FRAME_BYTES must fit."""
    return json.dumps({"type": "message", "conversation": "c" * 64,
                       "text": ASTRAL * MAX_MESSAGE_CHARS, "client_id": ASTRAL * 64})


def test_the_worst_case_message_is_the_size_the_budget_was_computed_for() -> None:
    # chat/limits.py: 2,000 x 12 + 64 x 12 + 64 + 68 = 24,900 bytes.
    assert len(worst_case_message().encode()) == 24_900 <= MAX_FRAME_BYTES


@pytest.mark.parametrize("character", [ASTRAL, "\x01", "\u00e9", '"', "\\", "\u2028"])
def test_a_message_of_2000_of_any_character_escaped_fits_the_budget(character: str) -> None:
    # One visible letter, so that a text of controls is not refused as empty.
    text = "x" + character * (MAX_MESSAGE_CHARS - 1)
    frame = json.dumps({"type": "message", "conversation": "c" * 64, "text": text,
                        "client_id": ASTRAL * 64})
    decoded = decode(COUNSELLOR_FRAMES, frame)
    assert isinstance(decoded, MessageIn)
    assert decoded.text == text


def test_the_route_types_are_read_from_the_unions() -> None:
    assert {"hello", "ping", "join", "rate"} <= frame_types(VISITOR_FRAMES)
    assert "accept" not in frame_types(VISITOR_FRAMES)
    assert {"hello", "accept", "block"} <= frame_types(COUNSELLOR_FRAMES)
    assert "join" not in frame_types(COUNSELLOR_FRAMES)


def test_a_rate_limited_frame_is_not_even_parsed() -> None:
    refusal = decode_frame(VISITOR_FRAMES, "{not json", None, admit=lambda: False)
    assert refusal == Refusal(RateLimited, violation=True)


# --- property: nothing makes the decoder raise, everything gets a documented answer ------

@pytest.mark.parametrize("route", sorted(ROUTES))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_input_decodes_to_a_frame_of_the_route_or_a_documented_refusal(
        route: str, data: st.DataObject) -> None:
    frames = ROUTES[route]
    text = data.draw(texts(route) | st.none(), label="text")
    binary = data.draw(st.binary(max_size=64) | st.none(), label="bytes")
    decoded = decode(frames, text, binary)
    if isinstance(decoded, Refusal):
        assert decoded.refusal.code in documented_codes()
        assert decoded.frame_type is None or decoded.frame_type in KNOWN_TYPES or \
            decoded.refusal is UnknownFrame
    else:
        assert isinstance(decoded, BaseModel)
        assert decoded.type in frame_types(frames)  # type: ignore[attr-defined]
        # What was accepted is exactly what was sent: nothing was coerced on the way.
        sent = json.loads(text or "")
        assert decoded.model_dump(exclude_unset=True) == sent
