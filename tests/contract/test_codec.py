"""The state codec and entry layout: what the Redis store writes must come back equal."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

import pytest

from chat.core import desk
from chat.core.model import DeskState, TicketStatus
from chat.core.testing import join, online
from virtualcite.realtime.store.codec import Codec
from virtualcite.realtime.store.errors import StateCorrupt
from virtualcite.realtime.store.layout import Layout, Mirror

NOW = 1_000_000.0


def populated_desk() -> DeskState:
    """A desk with every kind of entity: waiting, offered and in-conversation visitors,
    counsellors, a conversation, a block, service times and the institution counts."""
    state = DeskState()
    online(state, "c1", poles=["emploi", "formation"], capacity=2, institution="CIDJ", now=NOW)
    join(state, "a", "emploi", now=NOW)
    join(state, "b", "emploi", now=NOW + 1)
    desk.offer_accept(state, counsellor_id="c1", token="a", conversation_id="k1", now=NOW + 2)
    join(state, "c", "formation", now=NOW + 3)
    online(state, "c2", poles=["formation"], institution="APEC", now=NOW + 4)
    state.blocked["z"] = NOW + 3600
    state.tickets["b"].declined_by.append("c9")
    return state


def test_a_populated_desk_survives_a_json_round_trip() -> None:
    state = populated_desk()
    codec = Codec(DeskState)

    decoded = codec.decode(json.loads(json.dumps(codec.encode(state))))

    assert decoded == state
    assert decoded.tickets["a"].status is TicketStatus.IN_CONVERSATION
    assert state.conversations and state.served and state.institution_conversations


def test_encoding_shares_no_container_with_the_state() -> None:
    state = populated_desk()
    encoded = Codec(DeskState).encode(state)

    state.tickets["b"].declined_by.append("c8")
    state.counsellors["c1"].poles.append("orientation")

    assert encoded["tickets"]["b"]["declined_by"] == ["c9"]
    assert encoded["counsellors"]["c1"]["poles"] == ["emploi", "formation"]


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Item:
    name: str
    colour: Colour = Colour.RED
    tags: set[str] = field(default_factory=set)
    scores: dict[int, float] = field(default_factory=dict)
    pair: tuple[int, ...] = ()
    note: str | None = None


@dataclass
class Shelf:
    items: dict[str, Item] = field(default_factory=dict)
    label: str = ""
    best: Item | None = None


def test_sets_int_keys_tuples_and_nested_optionals_round_trip() -> None:
    shelf = Shelf(
        items={"x": Item("x", Colour.BLUE, {"b", "a"}, {3: 0.5}, (1, 2), "n")},
        best=Item("y"),
    )
    codec = Codec(Shelf)

    encoded = codec.encode(shelf)

    assert encoded["items"]["x"]["tags"] == ["a", "b"]  # sorted: equal sets encode equally
    assert codec.decode(json.loads(json.dumps(encoded))) == shelf


def test_missing_fields_take_their_defaults_and_unknown_ones_are_ignored() -> None:
    decoded = Codec(Shelf).decode({"items": {"x": {"name": "x", "size": 3}}, "colour": "red"})

    assert decoded == Shelf(items={"x": Item("x")})


def test_undecodable_data_is_reported_as_state_corrupt() -> None:
    with pytest.raises(StateCorrupt):
        Codec(Shelf).decode({"items": {"x": {"name": "x", "colour": "green"}}})
    with pytest.raises(StateCorrupt):
        Codec(Shelf).decode({"items": {"x": {"colour": "red"}}})  # name is required


def test_a_type_the_codec_cannot_tell_apart_is_refused_up_front() -> None:
    @dataclass
    class Ambiguous:
        value: Item | Colour

    with pytest.raises(TypeError, match="apart"):
        Codec(Ambiguous)


def test_the_layout_splits_dicts_into_one_entry_per_item() -> None:
    layout = Layout(DeskState, DeskState)

    names = [name for name, _ in layout.entries(populated_desk())]

    assert {"tickets:a", "tickets:b", "counsellors:c1", "conversations:k1", "blocked:z"} <= set(
        names
    )
    assert "institution_day" in names


def test_the_mirror_finds_exactly_what_a_mutation_changed() -> None:
    state = populated_desk()
    mirror = Mirror(Layout(DeskState, DeskState))
    mirror.reset(dict(mirror.layout.entries(state)))

    desk.visitor_leave(state, token="c", now=NOW + 5)
    changes = mirror.diff(state)

    assert changes.removed == ["tickets:c"]
    assert "tickets:a" not in changes.changed
    mirror.commit(changes)
    assert not mirror.diff(state)
    assert mirror.snapshot() == state
