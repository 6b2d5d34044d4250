"""The pure cores (the desk's, the rooms') stay pure; events and errors one type per fact."""

from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path
from types import ModuleType

import pytest

import chat.core
import rooms.core
from chat.core import errors, events


@pytest.mark.parametrize("core", [chat.core, rooms.core], ids=["desk", "rooms"])
def test_a_core_imports_only_the_standard_library_and_itself(core: ModuleType) -> None:
    root = Path(core.__file__ or "").parent
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith(core.__name__), (
                    f"{path.name} imports {name}"
                )


def event_types() -> list[type[events.Event]]:
    return [
        v
        for v in vars(events).values()
        if isinstance(v, type) and issubclass(v, events.Event) and v is not events.Event
    ]


def test_every_event_has_its_own_kind() -> None:
    kinds = [t.kind for t in event_types()]
    assert len(kinds) == len(set(kinds)) and "event" not in kinds


def test_no_event_carries_message_text() -> None:
    for event_type in event_types():
        for field in dataclasses.fields(event_type):
            assert field.name not in {"text", "message", "body", "content"}, event_type


def test_every_error_has_its_own_code_and_a_docstring() -> None:
    types = {
        v
        for v in vars(errors).values()
        if isinstance(v, type) and issubclass(v, errors.DeskError) and v is not errors.DeskError
    }
    codes = [t.code for t in types]
    assert len(codes) == len(set(codes)) and "desk_error" not in codes
    assert all(t.__doc__ for t in types)
