"""Each frame's `reason` Literal is exactly what the server can send on that frame.

The publisher is run on every desk event, once per member of the reason enum the event
carries, so the values come from chat/core/reasons.py and from the publisher itself (the few
it adds for events without a reason), never from a list copied here.
"""

from __future__ import annotations

import dataclasses
import logging
import typing
from enum import StrEnum
from types import NoneType, UnionType
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from chat import frames as F
from chat.core import events as ev
from chat.core import reasons
from chat.frames import CounsellorCard, Shift
from chat.publisher import deliveries

COUNSELLOR = "c1"


def reason_enum(event_type: type[ev.Event]) -> type[StrEnum] | None:
    """The enum of an event's `reason`, or None when it has none."""
    hint = typing.get_type_hints(event_type).get("reason")
    if hint is None:
        return None
    enums = [arg for arg in typing.get_args(hint) or (hint,) if arg is not NoneType]
    assert len(enums) == 1 and issubclass(enums[0], StrEnum), (event_type, hint)
    return enums[0]


def sample(event_type: type[ev.Event], reason: StrEnum | None) -> ev.Event:
    """An instance with placeholder values, every id pointing at COUNSELLOR's card."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(event_type):
        hint = typing.get_type_hints(event_type)[field.name]
        if field.name == "reason":
            values[field.name] = reason
        elif hint is float or hint == float | None:
            values[field.name] = 1.0
        elif hint is int:
            values[field.name] = 1
        elif typing.get_origin(hint) is tuple:
            values[field.name] = (COUNSELLOR,)
        else:
            values[field.name] = COUNSELLOR if field.name.endswith("_id") else "x"
    return event_type(**values)


def every_event() -> list[ev.Event]:
    """Every event type, once per value of its reason (once if it has none)."""
    out: list[ev.Event] = []
    for event_type in vars(ev).values():
        if not (isinstance(event_type, type) and issubclass(event_type, ev.Event)) or (
                event_type is ev.Event):
            continue
        enum = reason_enum(event_type)
        for reason in list(enum) if enum is not None else [None]:
            out.append(sample(event_type, reason))
    return out


def sent_reasons() -> dict[str, set[str]]:
    """Frame type -> every non-null `reason` the publisher puts on it."""
    card = CounsellorCard(id=COUNSELLOR, name="Camille", institution="CIDJ")
    shift = Shift(status="paused", poles=["x"], capacity=1)
    out: dict[str, set[str]] = {}
    for _group, message in deliveries(every_event(), summaries={}, cards={COUNSELLOR: card},
                                      shifts={COUNSELLOR: shift}):
        frame = message.frame
        if frame.get("reason") is not None:
            out.setdefault(frame["type"], set()).add(frame["reason"])
    return out


def literal_values(annotation: object) -> set[str]:
    """The strings of a (possibly nested, possibly optional) Literal annotation."""
    if typing.get_origin(annotation) is Literal:
        return {v for arg in typing.get_args(annotation) for v in _flatten(arg)}
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        return {v for arg in typing.get_args(annotation) if arg is not NoneType
                for v in literal_values(arg)}
    raise AssertionError(f"reason is typed {annotation!r}, not a Literal")


def _flatten(arg: object) -> set[str]:
    return literal_values(arg) if typing.get_origin(arg) is Literal else {str(arg)}


def frames_with_a_reason() -> dict[str, type[BaseModel]]:
    return {model.model_fields["type"].default: model for model in vars(F).values()
            if isinstance(model, type) and issubclass(model, F.Frame)
            and "reason" in model.model_fields and "type" in model.model_fields}


def test_each_frames_reason_literal_is_exactly_what_the_publisher_sends(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="chat.publisher"):
        sent = sent_reasons()
    # A value a Literal refuses makes its frame fail to build, and the publisher logs it.
    assert caplog.records == []
    typed = {kind: literal_values(model.model_fields["reason"].annotation)
             for kind, model in frames_with_a_reason().items()}
    assert typed == sent


def test_every_reason_of_the_core_reaches_a_frame_unchanged() -> None:
    on_the_wire = set().union(*sent_reasons().values())
    # VisitorLeft's and VisitorRefused's reasons are for the figures: the `left` frame says
    # nothing more, and a refused join is told by its error code.
    told = [enum for enum in vars(reasons).values() if isinstance(enum, type)
            and issubclass(enum, StrEnum) and enum is not StrEnum
            and enum not in (reasons.AbandonReason, reasons.RefusalReason)]
    assert {m.value for enum in told for m in enum} <= on_the_wire
