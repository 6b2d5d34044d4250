"""docs/protocol.md against the protocol's source of truth (frames, refusal classes, limits).

The doc is structured so it can be checked: one `## ` section per frame family (visitor client
frames, counsellor client frames, server frames, objects), one `### `type`` heading per frame in
it, and under that heading a table whose first column names each field as `` `field` ``. Every
frame of the three discriminated unions must be documented in its section with exactly its
fields, every error code in the error table and every close code in the close table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter

from chat import frames as F
from chat.frames import COUNSELLOR_FRAMES, SERVER_FRAMES, VISITOR_FRAMES
from rooms.frames import FACILITATOR_FRAMES, PARTICIPANT_FRAMES, ROOM_SERVER_FRAMES
from virtualcite.realtime.errors import documented_codes
from virtualcite.realtime.protocol import CloseCode
from virtualcite.staffing.frames import MANAGER_FRAMES, MANAGER_SERVER_FRAMES

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"

SECTIONS = {
    "visitor": ("Client frames: visitor route", VISITOR_FRAMES),
    "counsellor": ("Client frames: counsellor route", COUNSELLOR_FRAMES),
    "server": ("Server frames", SERVER_FRAMES),
    "participant": ("Client frames: room participant route", PARTICIPANT_FRAMES),
    "facilitator": ("Client frames: room facilitator route", FACILITATOR_FRAMES),
    "room server": ("Room server frames", ROOM_SERVER_FRAMES),
    "manager": ("Client frames: manager route", MANAGER_FRAMES),
    "manager server": ("Manager server frames", MANAGER_SERVER_FRAMES),
}
# Each app's server frames, and the section documenting the objects inside them.
OBJECTS = {
    "desk": ("Objects inside server frames", SERVER_FRAMES),
    "rooms": ("Objects inside room server frames", ROOM_SERVER_FRAMES),
    "managers": ("Objects inside manager server frames", MANAGER_SERVER_FRAMES),
}


def frames_of(adapter: TypeAdapter[object]) -> dict[str, type[BaseModel]]:
    """`type` literal -> model, walking the adapter's discriminated union."""
    schema = adapter.core_schema
    assert schema["type"] == "tagged-union", schema["type"]
    return {tag: choice["cls"] for tag, choice in schema["choices"].items()}


def nested_models(server_frames: TypeAdapter[object]) -> set[type[BaseModel]]:
    """Every model reachable from a server frame's fields (the objects a frame carries)."""
    found: set[type[BaseModel]] = set()
    todo = [m for m in frames_of(server_frames).values()]
    while todo:
        model = todo.pop()
        for field in model.model_fields.values():
            for candidate in _models_in(field.annotation):
                if candidate not in found:
                    found.add(candidate)
                    todo.append(candidate)
    return found


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def doc_sections() -> dict[str, dict[str, list[str]]]:
    """`## ` section title -> `### ` heading name -> field names of the table under it."""
    sections: dict[str, dict[str, list[str]]] = {}
    section: dict[str, list[str]] | None = None
    fields: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = sections.setdefault(line[3:].strip(), {})
            fields = None
        elif line.startswith("### ") and section is not None:
            name = re.match(r"### `([^`]+)`", line)
            fields = section.setdefault(name.group(1), []) if name else None
        elif line.startswith("#"):
            fields = None
        elif fields is not None:
            row = re.match(r"\|\s*`([A-Za-z_][A-Za-z0-9_]*)`\s*\|", line)
            if row:
                fields.append(row.group(1))
    return sections


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections() -> dict[str, dict[str, list[str]]]:
    return doc_sections()


@pytest.mark.parametrize("family", sorted(SECTIONS))
def test_every_frame_is_documented_with_exactly_its_fields(
        family: str, sections: dict[str, dict[str, list[str]]]) -> None:
    title, adapter = SECTIONS[family]
    assert title in sections, f"docs/protocol.md has no '## {title}' section"
    documented = sections[title]
    frames = frames_of(adapter)
    assert set(documented) == set(frames), (
        f"{title}: missing {sorted(set(frames) - set(documented))}, "
        f"stale {sorted(set(documented) - set(frames))}")
    for kind, model in frames.items():
        assert sorted(documented[kind]) == sorted(model.model_fields), (
            f"{title} / {kind} ({model.__name__}): doc fields {documented[kind]}, "
            f"model fields {list(model.model_fields)}")


@pytest.mark.parametrize("app", sorted(OBJECTS))
def test_every_object_inside_a_server_frame_is_documented(
        app: str, sections: dict[str, dict[str, list[str]]]) -> None:
    title, server_frames = OBJECTS[app]
    documented = sections.get(title, {})
    models = {model.__name__: model for model in nested_models(server_frames)}
    assert set(documented) == set(models), (
        f"missing {sorted(set(models) - set(documented))}, "
        f"stale {sorted(set(documented) - set(models))}")
    for name, model in models.items():
        assert sorted(documented[name]) == sorted(model.model_fields), name


def test_every_type_literal_appears(text: str) -> None:
    for _title, adapter in SECTIONS.values():
        for kind in frames_of(adapter):
            assert f"`{kind}`" in text, kind


def _table_rows(text: str, section: str) -> list[str]:
    body = text.split(f"## {section}\n", 1)
    assert len(body) == 2, f"docs/protocol.md has no '## {section}' section"
    rows = []
    for line in body[1].splitlines():
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append(line)
    return rows


def test_every_error_code_is_in_the_error_table(text: str) -> None:
    rows = _table_rows(text, "Error codes")
    listed = {m.group(1) for row in rows if (m := re.match(r"\|\s*`([a-z_]+)`", row))}
    codes = documented_codes()
    assert listed == codes, (
        f"missing {sorted(codes - listed)}, stale {sorted(listed - codes)}")


def test_every_close_code_is_in_the_close_table(text: str) -> None:
    rows = _table_rows(text, "Close codes")
    listed = {int(m.group(1)) for row in rows if (m := re.match(r"\|\s*`?(\d{4})`?", row))}
    assert {int(code) for code in CloseCode} <= listed
    for code in CloseCode:
        row = next(r for r in rows if str(int(code)) in r.split("|")[1])
        assert code.name in row, f"close code {int(code)} row should name {code.name}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def test_limits_are_documented_with_their_values(text: str) -> None:
    from chat import limits as desk_limits
    from chat.presence import MAINTAIN_SECONDS
    from virtualcite.realtime import limits

    values = {name: getattr(module, name) for module in (limits, desk_limits)
              for name in dir(module)
              if name.isupper() and isinstance(getattr(module, name), int | float)}
    values["MAINTAIN_SECONDS"] = MAINTAIN_SECONDS
    rows = _table_rows(text, "Limits")
    for name, value in values.items():
        row = next((r for r in rows if f"`{name}`" in r), None)
        assert row is not None, f"limit {name} is not in the Limits table"
        cells = row.split("|")
        assert _number(value) in cells[2].replace(",", ""), (
            f"{name} = {value}, the doc says {cells[2].strip()!r}")


def test_the_doc_checks_itself_against_the_models_it_names() -> None:
    # Guards the parser: a doc section with no table would pass the field checks vacuously.
    sections = doc_sections()
    assert sections["Server frames"]["error"] == list(F.Error.model_fields)


def test_everything_a_visit_record_keeps_is_listed(text: str) -> None:
    # The transcript-free promise is only checkable if the doc says all that is kept.
    from virtualcite.figures.models import VisitRecord

    stored = text.split("- What is stored, when a visit ends", 1)[1].split("\n- ", 1)[0]
    kept = {field.name for field in VisitRecord._meta.get_fields()} - {"id"}
    assert {name for name in kept if f"`{name}`" not in stored} == set()


def test_every_reason_a_frame_can_carry_is_listed_in_its_row(text: str) -> None:
    from tests.unit.test_reasons import frames_with_a_reason, literal_values

    server = text.split("## Server frames\n", 1)[1].split("\n## ", 1)[0]
    for kind, model in frames_with_a_reason().items():
        block = server.split(f"### `{kind}`", 1)[1].split("\n### ", 1)[0]
        row = next(line for line in block.splitlines() if line.startswith("| `reason` |"))
        listed = set(re.findall(r'`"?([a-z_]+)"?`', row))
        missing = literal_values(model.model_fields["reason"].annotation) - listed
        assert not missing, f"`{kind}`'s reason row does not list {sorted(missing)}"
