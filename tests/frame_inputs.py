"""What a client might send: valid frames, frames a little wrong, JSON-ish values and garbage.

Shared by the decoder's property test (tests/unit/test_decoding.py), the socket fuzzing
(tests/integration/test_frame_fuzz.py) and the authorisation matrix, which needs one valid
frame of each type (SAMPLES).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from chat.frames import COUNSELLOR_FRAMES, VISITOR_FRAMES
from rooms.frames import FACILITATOR_FRAMES, PARTICIPANT_FRAMES
from virtualcite.realtime.decoding import frame_types

KNOWN_TYPES = sorted(frame_types(VISITOR_FRAMES) | frame_types(COUNSELLOR_FRAMES)
                     | frame_types(PARTICIPANT_FRAMES) | frame_types(FACILITATOR_FRAMES))

# A valid frame of each type, as each route's clients send it.
SAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "visitor": {
        "hello": {"token": None}, "ping": {}, "join": {"pole": "discover-jobs"}, "leave": {},
        "message": {"text": "bonjour", "client_id": "m1"}, "typing": {"active": True},
        "received": {"client_ids": ["c1"]}, "end": {}, "rate": {"conversation": "c1", "score": 4},
    },
    "counsellor": {
        "hello": {}, "ping": {}, "shift_start": {"poles": ["find-a-job"], "capacity": 1},
        "pause": {}, "resume": {}, "shift_end": {},
        "accept": {"visitor": "c83c0c85f8e6fe97"}, "decline": {"visitor": "c83c0c85f8e6fe97"},
        "extend_offer": {"visitor": "c83c0c85f8e6fe97"},
        "message": {"conversation": "c1", "text": "bonjour", "client_id": "m1"},
        "typing": {"conversation": "c1", "active": True},
        "received": {"conversation": "c1", "client_ids": ["m1"], "resumed": False},
        "send_resource": {"conversation": "c1", "resource": 1},
        "transfer": {"conversation": "c1", "pole": "find-training", "note": None},
        "invite": {"conversation": "c1", "colleague": "2"},
        "leave_conversation": {"conversation": "c1"},
        "end": {"conversation": "c1", "outcome_tags": []},
        "block": {"conversation": "c1", "hours": 1},
        "colleague_message": {"text": "bonjour", "help": False},
    },
    "participant": {
        "hello": {"token": None}, "ping": {}, "join": {}, "rename": {}, "leave": {},
        "message": {"text": "bonjour", "client_id": "m1"}, "hand": {"raised": True},
    },
    "facilitator": {
        "hello": {}, "ping": {}, "open": {}, "close": {}, "next_step": {},
        "message": {"text": "bonjour", "client_id": "m1"},
        "floor": {"participant": "c83c0c85f8e6fe97"},
        "mute": {"participant": "c83c0c85f8e6fe97", "muted": True},
        "remove": {"participant": "c83c0c85f8e6fe97"}, "slow_mode": {"seconds": 10},
        "pin": {"resource": 1, "pinned": True}, "post_resource": {"resource": 1},
    },
}


def sample(route: str, kind: str) -> dict[str, Any]:
    """A valid `kind` frame for `route`; a type the route does not take as the other route's
    clients send it."""
    fields = SAMPLES[route].get(kind)
    if fields is None:
        fields = next((other[kind] for other in SAMPLES.values() if kind in other), None)
    assert fields is not None, f"add a sample `{kind}` frame to tests/frame_inputs.py SAMPLES"
    return {"type": kind, **fields}


JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats()
                | st.text(max_size=30))
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
FIELDS = sorted({field for route in SAMPLES.values() for fields in route.values()
                 for field in fields} | {"help", "note", "outcome_tags"})
# Anything shaped like a frame: a known type or any value, and any of the fields.
FRAME_LIKE = st.fixed_dictionaries(
    {"type": st.sampled_from(KNOWN_TYPES) | JSON_SCALARS},
    optional={field: JSON_VALUES for field in FIELDS})


@st.composite
def near_valid_frames(draw: st.DrawFn, route: str) -> dict[str, Any]:
    """A valid frame of the route, or one with a field replaced, dropped or added."""
    frame = sample(route, draw(st.sampled_from(sorted(SAMPLES[route]))))
    change = draw(st.sampled_from(["none", "replace", "drop", "add"]))
    fields = sorted(set(frame) - {"type"})
    if change == "replace" and fields:
        frame[draw(st.sampled_from(fields))] = draw(JSON_VALUES)
    elif change == "drop" and fields:
        del frame[draw(st.sampled_from(fields))]
    elif change == "add":
        frame[draw(st.sampled_from(FIELDS))] = draw(JSON_VALUES)
    return frame


def encodings(value: Any) -> st.SearchStrategy[str]:
    """`value` as different clients would write it, and wrapped in more JSON."""
    return st.sampled_from([
        json.dumps(value), json.dumps(value, ensure_ascii=False),
        json.dumps(value, separators=(",", ":")) + " ", "[" * 3 + json.dumps(value) + "]" * 3,
    ])


# Inputs found to matter, kept so every run tries them.
KNOWN_BAD = [
    "[" * 5000 + "]" * 5000, '{"type":"ping","a":' + "[" * 5000 + "]" * 5000 + "}",
    '{"type":"ping","type":"ping"}', '{"type":"rate","conversation":"c","score":NaN}',
    '{"type":"message","text":"\\ud800"}', '{"type":"rate","score":' + "9" * 5000 + "}",
    '{"type":"message","text":"\\u200b"}', '{"type":5}', "", "null", '{"type":"ping"}\x00',
]


def texts(route: str = "visitor") -> st.SearchStrategy[str]:
    """Text frames a client might send to `route`."""
    values = JSON_VALUES | FRAME_LIKE | near_valid_frames(route)
    return (values.flatmap(encodings) | st.text(max_size=200) | st.sampled_from(KNOWN_BAD))
