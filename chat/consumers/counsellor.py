"""A counsellor's socket: a Django login at the handshake, the role checked on every frame."""

from __future__ import annotations

from chat import relay, selectors, services
from chat.alerting import alert_watch
from chat.consumers.base import DeskSocket
from chat.core.errors import NotInConversation, NotOnShift
from chat.core.reasons import EndReason
from chat.core.reform import CounsellorMemento
from chat.frames import (
    COUNSELLOR_FRAMES,
    Accept,
    Block,
    ColleagueMessageIn,
    Colleagues,
    ConversationClosed,
    CounsellorState,
    Decline,
    EndByCounsellor,
    ExtendOffer,
    Invite,
    LeaveConversation,
    MessageIn,
    Pause,
    ReceivedIn,
    Resume,
    SendResource,
    ShiftEnd,
    ShiftStart,
    StaffStateFrame,
    StaffWelcome,
    Transfer,
    TypingIn,
)
from chat.identity import (
    LOBBY_GROUP,
    STAFF_GROUP,
    counsellor_group,
    new_conversation_id,
)
from chat.messages import DeskColleagues
from chat.outcomes import outcome_labels
from chat.presence import presence
from chat.selectors import StaffMember
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import CloseCode, Hello
from virtualcite.realtime.staff_auth import StaffSocket


class CounsellorSocket(DeskSocket, StaffSocket):
    frames = COUNSELLOR_FRAMES
    route_name = "counsellor"
    # The counsellor whose lease this socket keeps alive, from `hello` to its end: kept apart
    # from `member`, which a withdrawn role clears.
    present_as: str | None = None
    memento: CounsellorMemento | None = None  # what the desk held for them at the last step

    async def connect(self) -> None:
        self.conversations: dict[str, str] = {}  # conversation id -> its channel-layer group
        await self.accept()  # accept first: a refusal must carry its close code
        await self.admit_staff()

    async def load_staff(self, user_id: int) -> StaffMember | None:
        return await selectors.staff_member(user_id=user_id)

    async def staff_withdrawn(self) -> None:
        """May no longer counsel: the shift ends now, the visitors go back to the head of
        their queues instead of waiting for a lease to lapse."""
        if self.present_as is not None:
            await services.counsellor_remove(counsellor_id=self.present_as)

    async def release(self) -> None:
        # The lease is not ended here: a reload within the lease resumes the shift; a closed
        # browser lets it expire, which requeues the visitors at the head.
        counsellor_id, self.present_as = self.present_as, None
        if counsellor_id is None:
            return
        last_here = presence.remove_counsellor(counsellor_id, self)
        if last_here and self.close_code == CloseCode.DROPPED:
            await services.counsellor_dropped(counsellor_id=counsellor_id)

    @property
    def me(self) -> StaffMember:
        assert self.staff is not None  # connect() closed the socket otherwise
        member: StaffMember = self.staff
        return member

    # --- frames -------------------------------------------------------------------------

    async def on_hello(self, frame: Hello) -> None:
        for group in (counsellor_group(self.me.id), LOBBY_GROUP, STAFF_GROUP):
            await self.join_group(group)
        if self.present_as is None:
            self.present_as = self.me.id
            presence.add_counsellor(self.me.id, self)
        self.greeted = True
        state = await self._current_state()
        await self.send_frame(StaffWelcome(state=state, server_time=self.server_time(),
                                           outcome_tags=outcome_labels()))
        await alert_watch.show(self, always=True)

    async def _current_state(self) -> CounsellorState:
        """The desk's truth for this counsellor, with the conversation groups aligned on it."""
        state, groups, self.memento = await selectors.counsellor_state(
            member=self.me, poles=await self.pole_statuses(all_poles=True))
        for group in set(self.conversations.values()) - set(groups.values()):
            await self.leave_group(group)
        self.conversations = groups
        for group in groups.values():
            await self.join_group(group)
        return state

    async def _answer_with_state(self) -> None:
        """Reply to a shift change with the full state: the screen never depends on an event
        that may still be on its way; the poles' alerts follow the new shift at once."""
        await self.send_frame(StaffStateFrame(state=await self._current_state()))
        await alert_watch.show(self)

    async def on_shift_start(self, frame: ShiftStart) -> None:
        await services.counsellor_shift_start(member=self.me, poles=frame.poles,
                                              capacity=frame.capacity)
        await self._answer_with_state()

    async def on_pause(self, frame: Pause) -> None:
        await services.counsellor_pause(counsellor_id=self.me.id)
        await self._answer_with_state()

    async def on_resume(self, frame: Resume) -> None:
        await services.counsellor_resume(counsellor_id=self.me.id)
        await self._answer_with_state()

    async def on_shift_end(self, frame: ShiftEnd) -> None:
        await services.counsellor_drain(counsellor_id=self.me.id)
        await self._answer_with_state()

    async def on_accept(self, frame: Accept) -> None:
        # Listen to the conversation before it exists: the visitor's first message, sent as
        # soon as they see the match, must find this socket subscribed.
        group = await selectors.offer_group(counsellor_id=self.me.id, visitor=frame.visitor)
        await self.join_group(group)
        conversation_id = new_conversation_id()
        try:
            await services.offer_accept(counsellor_id=self.me.id, visitor=frame.visitor,
                                        conversation_id=conversation_id)
        except Exception:
            if group not in self.conversations.values():
                await self.leave_group(group)
            raise
        self.conversations[conversation_id] = group

    async def on_decline(self, frame: Decline) -> None:
        await services.offer_decline(counsellor_id=self.me.id, visitor=frame.visitor)

    async def on_extend_offer(self, frame: ExtendOffer) -> None:
        await services.offer_extend(counsellor_id=self.me.id, visitor=frame.visitor)

    async def on_message(self, frame: MessageIn) -> None:
        conversation = self._mine(frame.conversation)
        await relay.message_relay(group=self.conversations[conversation],
                                  conversation_id=conversation, sender="counsellor",
                                  author=self.me.card, text=frame.text,
                                  client_id=frame.client_id)

    async def on_typing(self, frame: TypingIn) -> None:
        conversation = self._mine(frame.conversation)
        await relay.typing_relay(group=self.conversations[conversation],
                                 conversation_id=conversation, sender="counsellor",
                                 author=self.me.display_name, active=frame.active,
                                 skip_channel=self.channel_name)

    async def on_received(self, frame: ReceivedIn) -> None:
        conversation = self._mine(frame.conversation)
        await relay.receipt_relay(group=self.conversations[conversation],
                                  conversation_id=conversation, receiver="counsellor",
                                  client_ids=frame.client_ids, resumed=frame.resumed,
                                  skip_channel=self.channel_name)

    async def on_send_resource(self, frame: SendResource) -> None:
        conversation = self._mine(frame.conversation)
        await relay.resource_share(group=self.conversations[conversation],
                                   conversation_id=conversation, author=self.me.card,
                                   resource_id=frame.resource)

    async def on_transfer(self, frame: Transfer) -> None:
        await services.conversation_transfer(counsellor_id=self.me.id,
                                             conversation_id=self._mine(frame.conversation),
                                             pole=frame.pole, note=frame.note)

    async def on_invite(self, frame: Invite) -> None:
        await services.conversation_invite(counsellor_id=self.me.id,
                                           conversation_id=self._mine(frame.conversation),
                                           colleague_id=frame.colleague)

    async def on_leave_conversation(self, frame: LeaveConversation) -> None:
        await services.conversation_leave(counsellor_id=self.me.id,
                                          conversation_id=self._mine(frame.conversation))

    async def on_end(self, frame: EndByCounsellor) -> None:
        await services.conversation_end(counsellor_id=self.me.id,
                                        conversation_id=self._mine(frame.conversation),
                                        outcome_tags=frame.outcome_tags)

    async def on_block(self, frame: Block) -> None:
        await services.visitor_block(counsellor_id=self.me.id,
                                     conversation_id=self._mine(frame.conversation),
                                     hours=frame.hours)

    async def on_colleague_message(self, frame: ColleagueMessageIn) -> None:
        if not await selectors.counsellor_on_shift(counsellor_id=self.me.id):
            raise NotOnShift(self.me.id)
        await relay.colleague_message(author=self.me.card, text=frame.text,
                                      help_wanted=frame.help)

    # --- desk events ----------------------------------------------------------------------

    async def on_frame_message(self, message: FrameMessage) -> bool:
        frame = message.frame
        if frame["type"] == "conversation":
            # chat/publisher.py: a `conversation` frame joins exactly the conversation's group.
            self.conversations[frame["conversation"]["id"]] = message.join[0]
        elif frame["type"] == "conversation_closed":
            self.conversations.pop(frame["conversation"], None)
        return True

    async def desk_colleagues(self, message: DeskColleagues) -> None:
        await self.send_frame(Colleagues.model_validate(
            {"type": "colleagues", "colleagues": message.colleagues}))

    async def desk_lost(self) -> None:
        """The desk's state was lost: its conversations are closed for this page."""
        for conversation, group in list(self.conversations.items()):
            await self.leave_group(group)
            await self.send_frame(ConversationClosed(conversation=conversation,
                                                     reason=EndReason.DESK_RESTARTED.value))
        self.conversations = {}

    async def desk_reformed(self) -> None:
        """The re-formed shift, offers and queues, in full."""
        await self._answer_with_state()

    def _mine(self, conversation_id: str | None) -> str:
        if conversation_id is None or conversation_id not in self.conversations:
            raise NotInConversation()
        return conversation_id

