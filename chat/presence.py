"""This process's live sockets, and the loop that keeps their desk leases alive.

One maintenance step per process every MAINTAIN_SECONDS renews every local lease and runs the
desk's tick in a single store mutation, instead of one mutation per socket heartbeat. The
same step hands each local visitor socket its current state, so a notification lost on the
way (channels_redis drops messages to a full channel silently) is put right within a step,
and each socket what it must remember to re-form the desk: when the store reports its state
lost (a Redis that came back empty), the step tells every page and puts back every place and
shift its sockets remember (chat/core/reform.py). Last, its counsellor sockets are told of
the poles that need help (chat/alerting.py), from the loads the step read.
"""

from __future__ import annotations

import logging
from typing import Protocol

from chat.alerting import AlertedDesk, alert_watch
from chat.core.reform import CounsellorMemento, VisitorMemento
from chat.frames import VisitorState
from chat.minutes import minute_snapshots
from chat.runtime import desk_runtime
from chat.services import desk_maintain, desk_reform
from virtualcite.realtime.presence import LeaseKeeper, LiveSocket, SocketRegistry

logger = logging.getLogger(__name__)

# A tenth of the 20 s lease (DeskConfig.lease_ttl), so a few slow steps never let a live
# socket's lease lapse; it is also the precision of offer expiry.
MAINTAIN_SECONDS = 2.0


class DeskSocketAtStep(LiveSocket, Protocol):
    """A desk socket, as the maintenance step sees it."""

    async def desk_lost(self) -> None:
        """Tell the page the desk's state was lost (before it is re-formed)."""

    async def desk_reformed(self) -> None:
        """Tell the page what the re-formed desk holds for it."""


class VisitorScreen(DeskSocketAtStep, Protocol):
    memento: VisitorMemento | None

    async def refresh(self, state: VisitorState) -> None:
        """Show `state` if it differs from what the screen shows."""


class CounsellorDesk(DeskSocketAtStep, AlertedDesk, Protocol):
    memento: CounsellorMemento | None


class LocalPresence:
    """Which visitor tokens and counsellors have a socket open in this process.

    The maintenance step renews the lease of a token or a counsellor only while one of its
    sockets is open, and reads who is present at the moment the change is applied (not
    before waiting for the store), so a socket that closed meanwhile is never renewed after
    its disconnection was recorded.
    """

    def __init__(self) -> None:
        self.visitors = SocketRegistry[VisitorScreen]()
        self.counsellors = SocketRegistry[CounsellorDesk]()
        self.keeper = LeaseKeeper(self.maintain_once, period=MAINTAIN_SECONDS,
                                  name="desk maintenance")

    def add_visitor(self, token: str, screen: VisitorScreen) -> None:
        self.visitors.add(token, screen)
        self.ensure_running()

    def remove_visitor(self, token: str, screen: VisitorScreen) -> bool:
        """Forget one socket of `token`; True when it was this process's last one."""
        return self.visitors.remove(token, screen)

    def add_counsellor(self, counsellor_id: str, socket: CounsellorDesk) -> None:
        self.counsellors.add(counsellor_id, socket)
        self.ensure_running()

    def ensure_running(self) -> None:
        """The desk's work in this process: the maintenance step, and the candidacy for the
        minute snapshots (chat/minutes.py)."""
        self.keeper.ensure_running()
        minute_snapshots.ensure_running()

    def remove_counsellor(self, counsellor_id: str, socket: CounsellorDesk) -> bool:
        """Forget one socket of a counsellor; True when it was this process's last one."""
        return self.counsellors.remove(counsellor_id, socket)

    async def maintain_once(self) -> None:
        store = desk_runtime().store
        await self.visitors.release_closed()
        await self.counsellors.release_closed()
        if store.state_was_lost():  # found by another request since the last step
            await self.reform()
        view = await desk_maintain(tokens=self.visitors.live_keys,
                                   counsellor_ids=self.counsellors.live_keys)
        if store.state_was_lost():  # found by this step: its view is of the empty state
            await self.reform()
            return
        for token, state in view.screens.items():
            for screen in self.visitors.of(token):
                screen.memento = view.visitors.get(token)
                await screen.refresh(state)
        for counsellor_id, memento in view.counsellors.items():
            for desk in self.counsellors.of(counsellor_id):
                desk.memento = memento
        await alert_watch.evaluate(view.loads, self.counsellors.open_sockets())

    async def reform(self) -> None:
        """The desk's state was lost: tell every page, then put back what the sockets know."""
        logger.warning("the desk's state was lost; re-forming it from this process's sockets")
        screens = self.visitors.open_sockets()
        desks = self.counsellors.open_sockets()
        visitors = {s.memento.token: s.memento for s in screens if s.memento is not None}
        counsellors = {d.memento.counsellor_id: d.memento for d in desks
                       if d.memento is not None}
        sockets: list[DeskSocketAtStep] = [*screens, *desks]
        for socket in sockets:
            await socket.desk_lost()
        await desk_reform(visitors=sorted(visitors.values(), key=lambda m: m.token),
                          counsellors=sorted(counsellors.values(),
                                             key=lambda m: m.counsellor_id))
        for socket in sockets:
            await socket.desk_reformed()

    async def stop(self) -> None:
        await self.keeper.stop()
        await minute_snapshots.stop()

    def clear(self) -> None:
        """Forget every socket (tests, between event loops)."""
        self.visitors.clear()
        self.counsellors.clear()


presence = LocalPresence()
