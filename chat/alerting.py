"""Pole alerts for the counsellor sockets of this process: "Trouver une formation needs help".

A counsellor on shift for some poles is told of the alerts (virtualcite/staffing/alerts.py) of
the other poles their profile lets them serve, so they can add one to their shift in a click.
Each process evaluates the alerts for its own counsellor sockets once per maintenance step
(every 2 s, chat/presence.py), from the pole loads that step read inside its atomic change:
no leader, no extra read of the desk. A socket gets a `pole_alerts` frame when its set of
alerts changes, and on every `hello` (so a page that reconnects is never left with an old
banner).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Collection, Sequence
from typing import Protocol

from django.db import DatabaseError

from chat.core.queries import PoleLoad
from chat.core.reform import CounsellorMemento
from chat.directory import PoleInfo
from chat.frames import PoleAlertCard, PoleAlerts
from chat.runtime import desk_runtime
from chat.selectors import StaffMember
from virtualcite.realtime.protocol import Frame
from virtualcite.staffing.alerts import PoleAlert, alert_thresholds, pole_alerts

logger = logging.getLogger(__name__)


class AlertedDesk(Protocol):
    """A counsellor socket, as the alerts see it."""

    closed: bool
    language: str
    staff: StaffMember | None  # who they are; None once the role is withdrawn
    memento: CounsellorMemento | None  # their shift at the last step; None when off shift

    async def send_frame(self, frame: Frame) -> None: ...


def alerts_for(alerts: Sequence[PoleAlert], *, may_serve: Collection[str],
               shift_poles: Collection[str] | None) -> tuple[PoleAlert, ...]:
    """What a counsellor is told: the alerts of the poles they may serve and are not on shift
    for, while they are on shift (`shift_poles` None: off shift or ending it, nothing)."""
    if shift_poles is None:
        return ()
    return tuple(alert for alert in alerts
                 if alert.pole in may_serve and alert.pole not in shift_poles)


class PoleAlertWatch:
    """The latest alerts of this process and what each of its counsellor sockets was shown."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the alerts and the sockets (a fresh process; tests)."""
        self.latest: list[PoleAlert] = []
        self._poles: dict[str, PoleInfo] = {}
        self._shown: weakref.WeakKeyDictionary[AlertedDesk, tuple[PoleAlert, ...]] = (
            weakref.WeakKeyDictionary())

    async def evaluate(self, loads: Sequence[PoleLoad], desks: Sequence[AlertedDesk]) -> None:
        """The maintenance step's loads: the alerts now, sent to each desk whose set changed."""
        if not desks:
            return
        try:
            thresholds = await alert_thresholds.thresholds()
            poles = await desk_runtime().directory.poles()
        except DatabaseError as error:  # the alerts wait for the database; the desk does not
            logger.warning("pole alerts skipped: %s", type(error).__name__)
            return
        self._poles = {pole.slug: pole for pole in poles}
        self.latest = pole_alerts(loads, thresholds,
                                  {pole.slug for pole in poles if pole.is_open})
        for desk in desks:
            await self.show(desk)

    async def show(self, desk: AlertedDesk, *, always: bool = False) -> None:
        """Send `desk` its alerts if they changed since it was last shown (or `always`)."""
        if desk.closed or desk.staff is None:
            return
        mine = alerts_for(self.latest, may_serve=desk.staff.poles,
                          shift_poles=desk.memento.poles if desk.memento else None)
        if not always and self._shown.get(desk) == mine:
            return
        self._shown[desk] = mine
        await desk.send_frame(PoleAlerts(alerts=[self._card(alert, desk.language)
                                                 for alert in mine]))

    def _card(self, alert: PoleAlert, language: str) -> PoleAlertCard:
        pole = self._poles.get(alert.pole)
        return PoleAlertCard(pole=alert.pole, name=pole.name(language) if pole else alert.pole,
                             kind=alert.kind.value, value=alert.value,
                             threshold=alert.threshold)


alert_watch = PoleAlertWatch()
