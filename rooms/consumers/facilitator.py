"""A facilitator's socket: a Django login at the handshake, the right to host the room
checked again every ROLE_RECHECK_SECONDS (virtualcite/realtime/staff_auth.py)."""

from __future__ import annotations

from rooms import relay, services
from rooms.consumers.base import RoomSocket
from rooms.core.errors import RoomNotOpen
from rooms.frames import (
    FACILITATOR_FRAMES,
    CloseRoom,
    FacilitatorCard,
    GiveFloor,
    HostWelcome,
    MuteParticipant,
    NextStep,
    OpenRoom,
    PinResource,
    PostResource,
    RemoveParticipant,
    RoomMessageIn,
    SetSlowMode,
)
from rooms.hosts import facilitator_of
from rooms.identity import everyone_group, members_group
from rooms.presence import presence
from rooms.runtime import rooms_runtime
from rooms.screens import current_view
from virtualcite.library import UnknownResource
from virtualcite.realtime.protocol import Hello
from virtualcite.realtime.staff_auth import StaffSocket
from virtualcite.resource_cards import resource_card


class FacilitatorSocket(RoomSocket, StaffSocket):
    frames = FACILITATOR_FRAMES
    route_name = "room_host"
    present_as: str | None = None  # whose lease this socket keeps alive, from `hello` on

    async def admit(self) -> None:
        await self.admit_staff()

    async def load_staff(self, user_id: int) -> FacilitatorCard | None:
        """A facilitator of this room (the room read again: its facilitators may change)."""
        self.info = await rooms_runtime().directory.room(self.slug) or self.info
        return await facilitator_of(user_id=user_id, room=self.room)

    async def still_allowed(self) -> bool:
        """Every frame: still among the room's facilitators, as the directory (at most 5 s
        old, and holding only active accounts with the role) has them."""
        info = await rooms_runtime().directory.room(self.slug)
        return info is not None and str(self.user_id) in info.facilitator_ids

    async def release(self) -> None:
        facilitator_id, self.present_as = self.present_as, None
        if facilitator_id is not None and presence.remove_facilitator(
                self.slug, facilitator_id, self) and not self.handed_over:
            await services.facilitator_away(slug=self.slug, facilitator_id=facilitator_id)

    @property
    def me(self) -> FacilitatorCard:
        assert self.staff is not None  # admit() closed the socket otherwise
        card: FacilitatorCard = self.staff
        return card

    # --- frames -------------------------------------------------------------------------

    async def on_hello(self, frame: Hello) -> None:
        for group in (everyone_group(self.slug), members_group(self.slug)):
            await self.join_group(group)
        if self.present_as is None:
            self.present_as = self.me.id
            presence.add_facilitator(self.slug, self.me.id, self)
        await services.facilitator_arrive(slug=self.slug, facilitator_id=self.me.id,
                                          name=self.me.name)
        self.greeted = True
        await self.send_frame(HostWelcome(
            me=self.me, room=await current_view(self.room),
            steps=list(self.room.steps),
            server_time=self.server_time()))

    async def on_open(self, frame: OpenRoom) -> None:
        await services.room_open(slug=self.slug, facilitator_id=self.me.id, name=self.me.name,
                                 capacity=self.room.capacity)

    async def on_close(self, frame: CloseRoom) -> None:
        await services.room_close(slug=self.slug)

    async def on_message(self, frame: RoomMessageIn) -> None:
        state = await rooms_runtime().store(self.slug).read()
        if state.status.value == "closed":
            raise RoomNotOpen()
        await relay.room_message(slug=self.slug, role="facilitator", handle=None,
                                 author=self.me.name, text=frame.text,
                                 client_id=frame.client_id)

    async def on_floor(self, frame: GiveFloor) -> None:
        await services.floor_give(slug=self.slug, handle=frame.participant)

    async def on_mute(self, frame: MuteParticipant) -> None:
        await services.participant_mute(slug=self.slug, handle=frame.participant,
                                        muted=frame.muted)

    async def on_remove(self, frame: RemoveParticipant) -> None:
        await services.participant_remove(slug=self.slug, handle=frame.participant)

    async def on_slow_mode(self, frame: SetSlowMode) -> None:
        await services.slow_mode_set(slug=self.slug, seconds=frame.seconds)

    async def on_next_step(self, frame: NextStep) -> None:
        await services.step_next(slug=self.slug, steps=len(self.room.steps))

    async def on_pin(self, frame: PinResource) -> None:
        await services.pin_set(slug=self.slug, resource_id=frame.resource, pinned=frame.pinned)

    async def on_post_resource(self, frame: PostResource) -> None:
        card = await resource_card(frame.resource)
        if card is None:
            raise UnknownResource()
        await relay.resource_post(slug=self.slug, card=card, author=self.me.name)
