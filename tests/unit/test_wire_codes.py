"""The page scripts' wire.js says what the Python says: codes and reasons are not copied."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from frontend.wire_codes import WIRE_JS, frame_literals, render_wire_js, wire_sources
from virtualcite.realtime.errors import documented_codes


def test_the_checked_in_wire_js_is_what_the_generator_writes_now() -> None:
    assert WIRE_JS.read_text(encoding="utf-8") == render_wire_js(), (
        "wire.js is stale: run `DJANGO_SETTINGS_MODULE=virtualcite.settings "
        "python -m django export_wire_codes` and commit frontend/static/frontend/js/wire.js")


def test_every_error_and_close_code_reaches_the_pages() -> None:
    text = render_wire_js()
    sources = wire_sources()
    assert set(sources.error_codes.values()) == documented_codes()
    for name, code in sources.error_codes.items():
        assert f'  {name}: "{code}",' in text
    for close in sources.close_codes:
        assert f"  {close.name}: {close.value}," in text


class Why(StrEnum):
    EXPIRED = "expired"
    DECLINED = "declined"


class Gone(BaseModel):
    type: Literal["gone"] = "gone"
    reason: Why
    visitor: str


class Moved(BaseModel):
    type: Literal["moved"] = "moved"
    reason: Literal["requeued_ahead"] | None = None
    sender: Literal["visitor"] | Literal["counsellor"]
    note: str | None = None


class Plain(BaseModel):
    type: Literal["plain"] = "plain"
    reason: str


def test_literal_and_enum_fields_are_exported_per_frame_type_and_free_text_is_not() -> None:
    assert frame_literals([Plain, Moved, Gone]) == {
        "gone": {"reason": ["expired", "declined"]},
        "moved": {"reason": ["requeued_ahead"], "sender": ["visitor", "counsellor"]},
    }
