"""The anonymous visitor's socket: no account, no cookie, no session; a token in the page."""

from __future__ import annotations

import dataclasses
import logging

from chat import relay, services
from chat.consumers.base import DeskSocket
from chat.core.errors import UnknownTicket
from chat.core.reasons import EndReason
from chat.core.reform import VisitorMemento
from chat.errors import NoConversation, NothingToRate
from chat.frames import (
    VISITOR_FRAMES,
    EndByVisitor,
    Ended,
    Join,
    Leave,
    Left,
    Lobby,
    MessageIn,
    Position,
    Queued,
    Rate,
    Rated,
    ReceivedIn,
    StateFrame,
    TypingIn,
    VisitorState,
    Welcome,
)
from chat.identity import LOBBY_GROUP, conversation_group, visitor_group
from chat.minutes import minute_snapshots
from chat.presence import presence
from virtualcite.realtime.errors import TooManyConnections
from virtualcite.realtime.identity import new_token
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import CloseCode, Hello

logger = logging.getLogger(__name__)


class VisitorSocket(DeskSocket):
    frames = VISITOR_FRAMES
    route_name = "visitor"
    token: str | None = None  # the place this socket holds, once it has one
    conversation: str | None = None
    memento: VisitorMemento | None = None  # what the desk held for it at the last step

    async def connect(self) -> None:
        self.token: str | None = None
        self.conversation: str | None = None
        self.rateable: str | None = None
        self.shown: VisitorState | None = None  # the state the page was last given
        self.mismatch: VisitorState | None = None  # a difference seen by the last step
        # The desk's version of the last full state the page was given, and of the last
        # position: an event below them is already reflected, or superseded. (One at the
        # same version comes from the change that state was read after: it says the same.)
        self.state_version = 0
        self.position_version = 0
        await self.accept()

    async def release(self) -> None:
        await self._release_token()

    # --- frames -------------------------------------------------------------------------

    async def on_hello(self, frame: Hello) -> None:
        token, state, memento = await services.visitor_hello(token=frame.token)
        if token and token != self.token and not await self._hold_token(token, frame.type):
            return
        await self.join_group(LOBBY_GROUP)
        # Any process serving desk pages is a candidate for the minute snapshots, even one
        # with only lobby pages (no token: no maintenance to run).
        minute_snapshots.ensure_running()
        self.greeted = True
        self.conversation = state.conversation
        self.memento = memento
        self._showing(state)
        await self.send_frame(Welcome(token=token, state=state, server_time=self.server_time()))
        if state.status == "waiting" and state.pole and state.position:
            # The resumed place, as after a join: the desk's own announcement went to the
            # token's group before this socket was in it.
            await self.send_frame(Position(pole=state.pole, position=state.position,
                                           estimate_seconds=state.estimate_seconds,
                                           version=state.version))
        await self.send_frame(Lobby(poles=await self.pole_statuses(all_poles=True)))

    async def on_join(self, frame: Join) -> None:
        token = self.token or new_token()
        is_new = token != self.token
        if is_new and not await self._hold_token(token, frame.type):
            return
        try:
            state, self.memento = await services.visitor_join(token=token, pole=frame.pole,
                                                                language=self.language)
        except Exception:
            if is_new:
                await self._release_token()
            raise
        self._showing(state)
        await self.send_frame(Queued(token=token, pole=frame.pole, position=state.position or 1,
                                     estimate_seconds=state.estimate_seconds,
                                     version=state.version))

    async def on_leave(self, frame: Leave) -> None:
        """Answered on this socket: a `left` published to the token's group could reach it
        after the answer to a `join` sent just after (frames are answered in order)."""
        if self.token is None:
            await self.send_error(UnknownTicket, frame_type=frame.type)
            return
        after = await services.visitor_leave(token=self.token)
        if after is None:
            return  # a conversation ended: `ended` follows, by event, and the token stays
        self._showing(after)
        await self._release_token()
        await self.send_frame(Left())

    async def on_message(self, frame: MessageIn) -> None:
        group, conversation = self._conversation()
        await relay.message_relay(group=group, conversation_id=conversation, sender="visitor",
                                  author=None, text=frame.text, client_id=frame.client_id)

    async def on_typing(self, frame: TypingIn) -> None:
        group, conversation = self._conversation()
        await relay.typing_relay(group=group, conversation_id=conversation, sender="visitor",
                                 author=None, active=frame.active, skip_channel=self.channel_name)

    async def on_received(self, frame: ReceivedIn) -> None:
        group, conversation = self._conversation()
        await relay.receipt_relay(group=group, conversation_id=conversation, receiver="visitor",
                                  client_ids=frame.client_ids, resumed=frame.resumed,
                                  skip_channel=self.channel_name)

    async def on_end(self, frame: EndByVisitor) -> None:
        if self.token is None:
            raise NoConversation()
        await services.visitor_end_conversation(token=self.token)

    async def on_rate(self, frame: Rate) -> None:
        if frame.conversation != self.rateable:
            raise NothingToRate()
        if not await services.conversation_rate(conversation_id=frame.conversation,
                                                score=frame.score):
            raise NothingToRate()
        self.rateable = None
        await self.send_frame(Rated(conversation=frame.conversation))

    async def heartbeat(self) -> None:
        if self.token:
            await services.visitor_connection_refresh(token=self.token,
                                                      connection_id=self.channel_name)

    # --- desk events ----------------------------------------------------------------------

    async def on_frame_message(self, message: FrameMessage) -> bool:
        frame = message.frame
        kind = frame["type"]
        version = message.version
        if self.token is None:
            return False  # about a place this socket gave up (`left` was its answer)
        if version < self.state_version or (kind == "position"
                                            and version < self.position_version):
            return False  # the page already shows this change, or a later one
        if kind == "matched":
            self.conversation = frame["conversation"]
            self.shown = None  # the next maintenance step sends the full state
            if self.memento is not None:
                self.memento = dataclasses.replace(self.memento, chatting=True)
        elif kind in {"ended", "transferred"}:
            self.conversation = None
            if kind == "ended" and frame["can_rate"]:
                self.rateable = frame["conversation"]
            self.shown = None
        elif kind == "position":
            self.position_version = version
            if self.shown is not None:
                self.shown = self.shown.model_copy(update={
                    "position": frame["position"],
                    "estimate_seconds": frame["estimate_seconds"]})
        elif kind == "left":
            await self._release_token()
        return True

    async def desk_lost(self) -> None:
        """The desk's state was lost: a conversation cannot be re-formed from one side, so
        the page is told it ended; its place comes back (`requeued`, desk_restarted)."""
        self.state_version = self.position_version = 0  # a new history of versions
        self.shown = self.mismatch = None
        if self.conversation is not None and self.memento is not None and self.memento.chatting:
            conversation, self.conversation = self.conversation, None
            await self.send_frame(Ended(conversation=conversation,
                                        reason=EndReason.DESK_RESTARTED.value, can_rate=False))

    async def desk_reformed(self) -> None:
        """Nothing to add: the re-formed place reaches the page as `requeued` and `position`."""

    # --- helpers --------------------------------------------------------------------------

    def _conversation(self) -> tuple[str, str]:
        """The running conversation's group and id, or NoConversation."""
        if self.conversation is None or self.token is None:
            raise NoConversation()
        return conversation_group(self.token), self.conversation

    async def refresh(self, state: VisitorState) -> None:
        """Called by the maintenance step: correct the page if it missed an event.

        A difference is acted on only when two consecutive steps see it: an event still on
        its way through the channel layer explains a difference seen once, and sending the
        older state first would briefly show the page something already untrue.
        """
        if state.version < max(self.state_version, self.position_version):
            return  # read before an event this page has already been given
        if self.closed or self.token is None or _same_screen(state, self.shown):
            self.mismatch = None
            return
        if not _same_screen(state, self.mismatch):
            self.mismatch = state
            return
        self.mismatch = None
        self.conversation = state.conversation
        self._showing(state)
        await self.send_frame(StateFrame(state=state))

    def _showing(self, state: VisitorState) -> None:
        """Record the full state the page is being given."""
        self.shown = state
        self.state_version = max(self.state_version, state.version)
        self.position_version = max(self.position_version, self.state_version)

    async def _hold_token(self, token: str, frame_type: str) -> bool:
        """Attach `token` to this socket, within the per-token connection limit.

        A refusal names the frame that asked for the token (`hello` or `join`)."""
        await self._release_token()
        if not await services.visitor_connection_open(token=token,
                                                      connection_id=self.channel_name):
            await self.send_error(TooManyConnections, frame_type=frame_type)
            await self.close_with(CloseCode.TOO_MANY_CONNECTIONS)
            return False
        self.token = token
        # Both groups from the start: a conversation's first message finds this socket in
        # its group before the page is even told of the match (chat/identity.py).
        await self.join_group(visitor_group(token))
        await self.join_group(conversation_group(token))
        presence.add_visitor(token, self)
        return True

    async def _release_token(self) -> None:
        token, self.token = self.token, None
        if token is None:
            return
        await self.leave_group(visitor_group(token))
        await self.leave_group(conversation_group(token))
        self.conversation = None
        last_here = presence.remove_visitor(token, self)
        try:
            await services.visitor_connection_close(token=token, connection_id=self.channel_name)
            if last_here and not self.handed_over:
                await services.visitor_disconnect(token=token)
        except Exception:
            # The lease expires on its own if the store is unreachable: the place is kept
            # for the grace period either way.
            logger.warning("could not record a visitor's disconnection; the lease will expire")


def _same_screen(state: VisitorState, shown: VisitorState | None) -> bool:
    """The same screen, whatever the versions they were read at."""
    return shown is not None and state.model_copy(update={"version": shown.version}) == shown
