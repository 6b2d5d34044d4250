"""The page scripts' copy of the wire's names, written from the Python that defines them.

Error codes, close codes and the values of every `Literal` field of the server frames (the
reasons above all) used to be copied into the page scripts by hand, and drifted: a page tested
for a reason the server never sends. `render_wire_js()` writes them as an ES module instead;
`python -m django export_wire_codes` saves it as `WIRE_JS`, which is checked in (the pages have no
build step), and tests/unit/test_wire_codes.py fails when the two disagree.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterable
from enum import Enum, IntEnum
from pathlib import Path
from typing import Annotated, Literal, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

WIRE_JS = Path(__file__).resolve().parent / "static" / "frontend" / "js" / "wire.js"


class WireSources(NamedTuple):
    error_codes: dict[str, str]  # NAME -> code, every code beside its refusal class
    close_codes: type[IntEnum]
    server_frames: tuple[type[BaseModel], ...]  # the desk's
    room_frames: tuple[type[BaseModel], ...]  # the rooms'
    alert_kinds: list[str | int]  # a `pole_alerts` frame's kinds (inside its cards)
    counsellor_statuses: list[str | int]  # a shift's and a colleague's `status`
    modules: tuple[str, ...]  # where they are defined, named in the file's header


def wire_sources() -> WireSources:
    """Where the wire's names are defined: the one place to change when they move."""
    from chat.frames import ColleagueCard, PoleAlertCard, ServerFrame
    from rooms.frames import RoomServerFrame
    from virtualcite.realtime.errors import documented_codes, refusal_classes
    from virtualcite.realtime.protocol import CloseCode

    union, *_ = get_args(ServerFrame)  # Annotated[A | B | ..., Field(discriminator="type")]
    frames = get_args(union)
    room_union, *_ = get_args(RoomServerFrame)
    room_frames = get_args(room_union)
    codes = {code.upper(): code for code in sorted(documented_codes())}
    modules = {cls.__module__ for cls in refusal_classes()} | {CloseCode.__module__}
    modules |= {model.__module__ for model in (*frames, *room_frames)}
    alert_kinds = literal_values(PoleAlertCard.model_fields["kind"].annotation) or []
    statuses = literal_values(ColleagueCard.model_fields["status"].annotation) or []
    return WireSources(codes, CloseCode, frames, room_frames, alert_kinds, statuses,
                       tuple(sorted(modules)))


def literal_values(annotation: object) -> list[str | int] | None:
    """The values a field may take when its type is a `Literal` or an enum (`None` dropped,
    so an optional reason counts), else `None`."""
    if get_origin(annotation) is Annotated:
        return literal_values(get_args(annotation)[0])
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [member.value for member in annotation]
    if get_origin(annotation) in (Union, types.UnionType):
        values: list[str | int] = []
        for arg in get_args(annotation):
            if arg is type(None):
                continue
            found = literal_values(arg)
            if found is None:
                return None  # a union with a free type: any value may come
            values.extend(value for value in found if value not in values)
        return values or None
    return None


def frame_literals(frames: Iterable[type[BaseModel]]) -> dict[str, dict[str, list[str | int]]]:
    """For each server frame type, its `Literal` fields but `type`, with their values."""
    out: dict[str, dict[str, list[str | int]]] = {}
    for model in frames:
        [frame_type] = literal_values(model.model_fields["type"].annotation) or []
        fields = {name: values for name, info in model.model_fields.items()
                  if name != "type" and (values := literal_values(info.annotation)) is not None}
        if fields:
            out[str(frame_type)] = fields
    return dict(sorted(out.items()))


def _js(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _enum_object(names: dict[str, str | int]) -> str:
    lines = [f"  {name}: {_js(value)}," for name, value in names.items()]
    return "Object.freeze({\n" + "\n".join(lines) + "\n})"


def _literals_object(literals: dict[str, dict[str, list[str | int]]]) -> str:
    lines = []
    for frame_type, fields in literals.items():
        inner = ", ".join(f"{name}: Object.freeze({_js(values)})"
                          for name, values in fields.items())
        lines.append(f"  {_js(frame_type)}: Object.freeze({{ {inner} }}),")
    return "Object.freeze({\n" + "\n".join(lines) + "\n})"


def render_wire_js() -> str:
    """The text of wire.js as the Python defines the wire now."""
    sources = wire_sources()
    origin = ", ".join(sources.modules)
    close_codes: dict[str, str | int] = {code.name: int(code) for code in sources.close_codes}
    return f"""\
// GENERATED by `python -m django export_wire_codes` from {origin}: do not edit.
// tests/unit/test_wire_codes.py fails when this file and the Python disagree.

/** The `code` of an `error` frame (each beside its refusal class). */
export const ERROR_CODES = {_enum_object(dict[str, str | int](sources.error_codes))};

/** The websocket close codes the server uses ({sources.close_codes.__name__}). */
export const CLOSE_CODES = {_enum_object(close_codes)};

/** The values of every `Literal` field of a server frame but `type`, by frame type then field.
 * A field typed as a plain string is absent: the server does not promise its values. */
export const LITERALS = {_literals_object(frame_literals(sources.server_frames))};

/** The `reason` fields among them: every reason a frame of that type may carry. */
export const REASONS = Object.freeze(Object.fromEntries(
  Object.entries(LITERALS).filter(([, fields]) => fields.reason)
    .map(([type, fields]) => [type, fields.reason])));

/** The `kind` of a pole alert (`PoleAlertCard`, inside `pole_alerts`). */
export const ALERT_KINDS = Object.freeze({_js(sources.alert_kinds)});

/** A counsellor's `status` (`Shift` and `ColleagueCard`, inside `staff_state` and `colleagues`). */
export const COUNSELLOR_STATUSES = Object.freeze({_js(sources.counsellor_statuses)});

/** The same for the rooms' server frames (their own routes, docs/protocol.md Rooms). */
export const ROOM_LITERALS = {_literals_object(frame_literals(sources.room_frames))};

export const ROOM_REASONS = Object.freeze(Object.fromEntries(
  Object.entries(ROOM_LITERALS).filter(([, fields]) => fields.reason)
    .map(([type, fields]) => [type, fields.reason])));
"""


def write_wire_js(path: Path = WIRE_JS) -> bool:
    """Write wire.js; True when its text changed."""
    text = render_wire_js()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
