"""This process's room sockets, and the one loop that keeps their leases alive.

As the desk's (chat/presence.py), on the shared lease keeper: every MAINTAIN_SECONDS, each
room with a socket in this process gets one store mutation that renews the leases of its
open sockets (read inside the atomic step), expires what is due, and hands each local
participant socket its place, so a page that missed an event is put right.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Protocol

from rooms.frames import Me
from rooms.services import room_maintain
from virtualcite.realtime.presence import LeaseKeeper, LiveSocket, SocketRegistry

logger = logging.getLogger(__name__)

MAINTAIN_SECONDS = 2.0  # a tenth of the 20 s lease (RoomConfig.lease_ttl), as the desk's


class ParticipantScreen(LiveSocket, Protocol):
    async def refresh(self, me: Me | None) -> None:
        """Show the participant's place if it differs from what the page shows."""


class RoomsPresence:
    """Which room tokens and facilitators have a socket open in this process, per room."""

    def __init__(self) -> None:
        self.participants: defaultdict[str, SocketRegistry[ParticipantScreen]] = \
            defaultdict(SocketRegistry)
        self.facilitators: defaultdict[str, SocketRegistry[LiveSocket]] = \
            defaultdict(SocketRegistry)
        self.keeper = LeaseKeeper(self.maintain_once, period=MAINTAIN_SECONDS,
                                  name="rooms maintenance")

    def add_participant(self, slug: str, token: str, socket: ParticipantScreen) -> None:
        self.participants[slug].add(token, socket)
        self.keeper.ensure_running()

    def remove_participant(self, slug: str, token: str, socket: ParticipantScreen) -> bool:
        """Forget one socket of `token`; True when it was this process's last one."""
        return self.participants[slug].remove(token, socket)

    def add_facilitator(self, slug: str, facilitator_id: str, socket: LiveSocket) -> None:
        self.facilitators[slug].add(facilitator_id, socket)
        self.keeper.ensure_running()

    def remove_facilitator(self, slug: str, facilitator_id: str, socket: LiveSocket) -> bool:
        return self.facilitators[slug].remove(facilitator_id, socket)

    async def maintain_once(self) -> None:
        for slug in sorted(set(self.participants) | set(self.facilitators)):
            try:
                await self._maintain(slug)
            except Exception as error:  # one room's trouble must not stop the others'
                logger.warning("a room's maintenance failed: %s", type(error).__name__)

    async def _maintain(self, slug: str) -> None:
        participants, facilitators = self.participants[slug], self.facilitators[slug]
        await participants.release_closed()
        await facilitators.release_closed()
        if not participants.live_keys() and not facilitators.live_keys():
            # Nobody of this room here any more: no lease of ours to renew. The processes
            # that still hold its sockets tick it; one that comes back ticks it again.
            del self.participants[slug], self.facilitators[slug]
            return
        places = await room_maintain(slug=slug, tokens=participants.live_keys,
                                     facilitator_ids=facilitators.live_keys)
        for token, me in places.items():
            for screen in participants.of(token):
                await screen.refresh(me)

    async def stop(self) -> None:
        await self.keeper.stop()

    def clear(self) -> None:
        """Forget every socket (tests, between event loops)."""
        self.participants.clear()
        self.facilitators.clear()


presence = RoomsPresence()
