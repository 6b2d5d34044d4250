"""Which frames each desk event becomes, and that one bad event never silences the others."""

from __future__ import annotations

from chat.core import events as ev
from chat.core.reasons import LeaveReason
from chat.identity import visitor_group
from chat.publisher import deliveries


def test_an_event_that_cannot_be_told_does_not_drop_the_rest_of_its_step() -> None:
    broken = ev.ConversationStarted(  # its counsellor's card is missing: building it fails
        conversation_id="k1", token="a", pole="emploi", counsellor_id="c1",
        display_name="Camille", institution="CIDJ", waited=3.0, transferred_from=None)
    moved = ev.PositionChanged(token="b", pole="emploi", position=1, estimate_seconds=None)
    out = deliveries([broken, moved], summaries={}, cards={}, shifts={})
    assert [(group, message.frame["type"]) for group, message in out] == [
        (visitor_group("b"), "position")]


def test_a_lost_colleague_is_named_from_the_event_not_the_state() -> None:
    left = ev.CounsellorLeftConversation(
        conversation_id="k1", token="a", counsellor_id="c2", lead_id="c1", reason=LeaveReason.LOST,
        display_name="Karim", institution="AFPA")
    frames = [message.frame for _group, message in
              deliveries([left], summaries={}, cards={}, shifts={})]
    assert [f["type"] for f in frames] == ["conversation_closed", "counsellor_left"]
    assert frames[1]["counsellor"] == {"id": "c2", "name": "Karim", "institution": "AFPA"}
