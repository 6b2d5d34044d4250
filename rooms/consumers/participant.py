"""A room participant's socket: anonymous, a token per room kept by the page."""

from __future__ import annotations

import logging

from rooms import relay, services
from rooms.consumers.base import RoomSocket
from rooms.core.errors import NotInRoom
from rooms.frames import (
    PARTICIPANT_FRAMES,
    Hand,
    LeaveRoom,
    Me,
    Rename,
    RoomLeft,
    RoomMessageIn,
    RoomStateFrame,
    RoomWelcome,
    TakeSeat,
)
from rooms.identity import everyone_group, members_group, participant_group
from rooms.presence import presence
from rooms.screens import current_view
from virtualcite.realtime.errors import TooManyConnections
from virtualcite.realtime.identity import new_token
from virtualcite.realtime.messages import FrameMessage
from virtualcite.realtime.protocol import CloseCode, Hello

logger = logging.getLogger(__name__)

# Frames a socket without a place still shows: how the room goes, to decide to join.
_LOBBY_FRAMES = {"room_status", "seats", "slow_mode"}


class ParticipantSocket(RoomSocket):
    frames = PARTICIPANT_FRAMES
    route_name = "room"
    token: str | None = None
    barred: str | None = None  # a token removed today, kept so that `join` is refused
    shown: Me | None = None  # the place the page was last given
    mismatch: Me | None = None  # a difference seen by the last maintenance step

    async def release(self) -> None:
        await self._release_token(away=True)

    async def heartbeat(self) -> None:
        if self.token:
            await services.connection_refresh(slug=self.slug, token=self.token,
                                              connection_id=self.channel_name)

    # --- frames -------------------------------------------------------------------------

    async def on_hello(self, frame: Hello) -> None:
        await self.join_group(everyone_group(self.slug))
        me = None
        if frame.token:
            me, barred = await services.participant_resume(slug=self.slug, token=frame.token)
            self.barred = frame.token if barred else None
            if me is not None and not await self._hold_token(frame.token, frame.type, me):
                return
        self.greeted = True
        await self._welcome(me)

    async def on_join(self, frame: TakeSeat) -> None:
        token = self.token or self.barred or new_token()
        is_new = token != self.token
        if is_new and not await self._hold_token(token, frame.type, None):
            return
        try:
            me = await services.participant_join(slug=self.slug, token=token,
                                                 language=self.language)
        except Exception:
            if is_new:
                await self._release_token(away=False)
            raise
        if me.seated:
            await self.join_group(members_group(self.slug))
        await self._welcome(me)

    async def on_rename(self, frame: Rename) -> None:
        await services.participant_rename(slug=self.slug, token=self._token(),
                                          language=self.language)

    async def on_message(self, frame: RoomMessageIn) -> None:
        me = await services.message_allow(slug=self.slug, token=self._token())
        await relay.room_message(slug=self.slug, role="participant", handle=me.handle,
                                 author=me.pseudonym, text=frame.text, client_id=frame.client_id)

    async def on_hand(self, frame: Hand) -> None:
        await services.participant_hand(slug=self.slug, token=self._token(), raised=frame.raised)

    async def on_leave(self, frame: LeaveRoom) -> None:
        """Answered on this socket: the token's group is left before the event is out."""
        await services.participant_leave(slug=self.slug, token=self._token())
        await self._release_token(away=False)
        await self.send_frame(RoomLeft(reason="left"))

    # --- room events --------------------------------------------------------------------

    async def on_frame_message(self, message: FrameMessage) -> bool:
        kind = message.frame["type"]
        if not await super().on_frame_message(message):
            return False
        if self.token is None:
            return kind in _LOBBY_FRAMES  # about a place this socket no longer holds
        if kind in {"you", "room_state"}:
            self.shown = Me.model_validate(message.frame["me"])
        elif kind == "room_left":
            if message.frame["reason"] == "removed":
                self.barred = self.token
            await self._release_token(away=False)
        return True

    async def refresh(self, me: Me | None) -> None:
        """Called by the maintenance step: correct the page if it missed an event (a
        difference is acted on when two steps in a row see it, as the desk's)."""
        if self.closed or self.token is None or me == self.shown:
            self.mismatch = None
            return
        if me != self.mismatch:
            self.mismatch = me
            return
        self.mismatch = None
        if me is None:  # the place is gone (the grace ran out while the page missed it)
            await self._release_token(away=False)
            await self.send_frame(RoomLeft(reason="lost"))
            return
        self.shown = me
        await self.send_frame(RoomStateFrame(me=me, room=await current_view(self.room)))

    # --- helpers --------------------------------------------------------------------------

    async def _welcome(self, me: Me | None) -> None:
        self.shown = me
        await self.send_frame(RoomWelcome(token=self.token or self.barred, me=me,
                                          room=await current_view(self.room),
                                          server_time=self.server_time()))

    def _token(self) -> str:
        if self.token is None:
            raise NotInRoom()
        return self.token

    async def _hold_token(self, token: str, frame_type: str, me: Me | None) -> bool:
        """Attach `token` to this socket, within the tabs' limit per token."""
        await self._release_token(away=False)
        if not await services.connection_open(slug=self.slug, token=token,
                                              connection_id=self.channel_name):
            await self.send_error(TooManyConnections, frame_type=frame_type)
            await self.close_with(CloseCode.TOO_MANY_CONNECTIONS)
            return False
        self.token = token
        await self.join_group(participant_group(self.slug, token))
        if me is not None and me.seated:
            await self.join_group(members_group(self.slug))
        presence.add_participant(self.slug, token, self)
        return True

    async def _release_token(self, *, away: bool) -> None:
        """Let go of the token; `away`: its place is kept for the grace period (a closed
        socket), else the place is already gone (left, removed, lost)."""
        token, self.token = self.token, None
        if token is None:
            return
        self.shown = self.mismatch = None
        await self.leave_group(participant_group(self.slug, token))
        await self.leave_group(members_group(self.slug))
        last_here = presence.remove_participant(self.slug, token, self)
        try:
            await services.connection_close(slug=self.slug, token=token,
                                            connection_id=self.channel_name)
            if away and last_here and not self.handed_over:
                await services.participant_away(slug=self.slug, token=token)
        except Exception as error:
            # The lease expires on its own: the seat is kept for the grace period either way.
            logger.warning("could not record a participant's departure: %s",
                           type(error).__name__)
