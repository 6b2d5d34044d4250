"""The anonymous visitor's socket: no account, no cookie, no session; a token in the page."""

from __future__ import annotations

import logging
from typing import Any

from chat import relay, services
from chat.codes import CloseCode, ErrorCode
from chat.consumers.base import DeskSocket
from chat.errors import NoConversation, NothingToRate
from chat.frames import (
    VISITOR_FRAMES,
    EndByVisitor,
    Hello,
    Join,
    Leave,
    Lobby,
    MessageIn,
    Ping,
    Pong,
    Position,
    Queued,
    Rate,
    Rated,
    Snapshot,
    TypingIn,
    VisitorState,
    Welcome,
)
from chat.identity import LOBBY_GROUP, conversation_group, new_token, visitor_group
from chat.limits import CONNECTION_TTL_SECONDS, MAX_CONNECTIONS_PER_TOKEN
from chat.presence import presence
from chat.runtime import desk_runtime

logger = logging.getLogger(__name__)


class VisitorSocket(DeskSocket):
    frames = VISITOR_FRAMES

    async def connect(self) -> None:
        self.token: str | None = None
        self.conversation: str | None = None
        self.rateable: str | None = None
        self.shown: VisitorState | None = None  # the state the page was last given
        self.mismatch: VisitorState | None = None  # a difference seen by the last step
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._release_token()
        await self.leave_all_groups()

    # --- frames -------------------------------------------------------------------------

    async def on_hello(self, frame: Hello) -> None:
        token, state = await services.visitor_hello(token=frame.token)
        if token and token != self.token and not await self._hold_token(token, frame.type):
            return
        await self.join_group(LOBBY_GROUP)
        self.greeted = True
        await self._align(state)
        self.shown = state
        await self.send_frame(Welcome(token=token, state=state, server_time=self.server_time()))
        if state.status == "waiting" and state.pole and state.position:
            # The resumed place, as after a join: the desk's own announcement went to the
            # token's group before this socket was in it.
            await self.send_frame(Position(pole=state.pole, position=state.position,
                                           estimate_seconds=state.estimate_seconds))
        await self.send_frame(Lobby(poles=await self.pole_statuses(all_poles=True)))

    async def on_join(self, frame: Join) -> None:
        token = self.token or new_token()
        is_new = token != self.token
        if is_new and not await self._hold_token(token, frame.type):
            return
        try:
            state = await services.visitor_join(token=token, pole=frame.pole)
        except Exception:
            if is_new:
                await self._release_token()
            raise
        self.shown = state
        await self.send_frame(Queued(token=token, pole=frame.pole, position=state.position or 1,
                                     estimate_seconds=state.estimate_seconds))

    async def on_leave(self, frame: Leave) -> None:
        if self.token is None:
            await self.send_error(ErrorCode.UNKNOWN_TICKET, frame_type=frame.type)
            return
        await services.visitor_leave(token=self.token)

    async def on_message(self, frame: MessageIn) -> None:
        await relay.message_relay(conversation_id=self._conversation(), sender="visitor",
                                  author=None, text=frame.text, client_id=frame.client_id)

    async def on_typing(self, frame: TypingIn) -> None:
        await relay.typing_relay(conversation_id=self._conversation(), sender="visitor",
                                 author=None, active=frame.active, skip_channel=self.channel_name)

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

    async def on_ping(self, frame: Ping) -> None:
        if self.token:
            await desk_runtime().store.connection_refresh(
                visitor_group(self.token), self.channel_name, CONNECTION_TTL_SECONDS)
        await self.send_frame(Pong(server_time=self.server_time()))

    # --- desk events ----------------------------------------------------------------------

    async def on_desk_frame(self, message: dict[str, Any]) -> None:
        frame = message["frame"]
        kind = frame["type"]
        if kind == "matched":
            self.conversation = frame["conversation"]
            self.shown = None  # the next maintenance step sends the full state
        elif kind in {"ended", "transferred"}:
            self.conversation = None
            self.rateable = message.get("rateable") or self.rateable
            self.shown = None
        elif kind == "position" and self.shown is not None:
            self.shown = self.shown.model_copy(update={
                "position": frame["position"], "estimate_seconds": frame["estimate_seconds"]})
        elif kind == "left":
            await self._release_token()

    # --- helpers --------------------------------------------------------------------------

    def _conversation(self) -> str:
        if self.conversation is None:
            raise NoConversation()
        return self.conversation

    async def _align(self, state: VisitorState) -> None:
        """Align what this socket listens to with the desk's state."""
        if self.conversation and self.conversation != state.conversation:
            await self.leave_group(conversation_group(self.conversation))
        self.conversation = state.conversation
        if state.conversation:
            await self.join_group(conversation_group(state.conversation))

    async def refresh(self, state: VisitorState) -> None:
        """Called by the maintenance step: correct the page if it missed an event.

        A difference is acted on only when two consecutive steps see it: an event still on
        its way through the channel layer explains a difference seen once, and sending the
        older state first would briefly show the page something already untrue.
        """
        if self.closed or self.token is None or state == self.shown:
            self.mismatch = None
            return
        if state != self.mismatch:
            self.mismatch = state
            return
        self.mismatch = None
        await self._align(state)
        self.shown = state
        await self.send_frame(Snapshot(state=state))

    async def _hold_token(self, token: str, frame_type: str) -> bool:
        """Attach `token` to this socket, within the per-token connection limit.

        A refusal names the frame that asked for the token (`hello` or `join`)."""
        await self._release_token()
        count = await desk_runtime().store.connection_add(
            visitor_group(token), self.channel_name, CONNECTION_TTL_SECONDS)
        if count > MAX_CONNECTIONS_PER_TOKEN:
            await desk_runtime().store.connection_remove(visitor_group(token), self.channel_name)
            await self.send_error(ErrorCode.TOO_MANY_CONNECTIONS, frame_type=frame_type)
            await self.close_with(CloseCode.TOO_MANY_CONNECTIONS)
            return False
        self.token = token
        await self.join_group(visitor_group(token))
        presence.add_visitor(token, self)
        return True

    async def _release_token(self) -> None:
        token, self.token = self.token, None
        if token is None:
            return
        await self.leave_group(visitor_group(token))
        if self.conversation:
            await self.leave_group(conversation_group(self.conversation))
            self.conversation = None
        last_here = presence.remove_visitor(token, self)
        try:
            await desk_runtime().store.connection_remove(visitor_group(token), self.channel_name)
            if last_here:
                await services.visitor_disconnect(token=token)
        except Exception:
            # The lease expires on its own if the store is unreachable: the place is kept
            # for the grace period either way.
            logger.warning("could not record a visitor's disconnection; the lease will expire")
