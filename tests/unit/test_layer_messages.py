"""Channel-layer messages are typed: built as classes, sent as dicts, rebuilt on arrival."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from virtualcite.realtime.fanout import Relayed
from virtualcite.realtime.messages import FrameMessage, LayerMessage, layer_message, message_class


def test_a_message_goes_through_the_layer_as_a_dict_and_comes_back_as_itself() -> None:
    sent = FrameMessage(frame={"type": "left"}, join=["g1"], leave=[], version=7)

    as_dict = sent.to_layer()

    assert as_dict["type"] == "realtime.frame"  # Channels calls the socket's `realtime_frame`
    cls = message_class(as_dict["type"])
    assert cls is FrameMessage and cls.from_layer(as_dict) == sent
    assert message_class("realtime.relay") is Relayed
    assert message_class("websocket.receive") is None  # Channels' own, left as dicts


def test_a_message_missing_a_field_is_refused_not_guessed() -> None:
    with pytest.raises(KeyError):
        FrameMessage.from_layer({"type": "realtime.frame", "frame": {"type": "left"}})


def test_two_classes_cannot_claim_one_kind() -> None:
    with pytest.raises(ValueError, match=r"realtime\.frame"):
        @layer_message
        @dataclass(frozen=True, slots=True)
        class Impostor(LayerMessage):
            kind: ClassVar[str] = "realtime.frame"
