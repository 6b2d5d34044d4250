"""The managers' dashboard route (`/ws/manage/`): its frames, on the shared bases.

A read-only route: the page says hello and pings; the server sends the live `dashboard`
(again whenever it changes, at most every DASHBOARD_SECONDS) and the day's `day` series (again
with each new snapshot). Figures only, never a token, a pseudonym or any text.
docs/protocol.md (Managers) documents them and is checked against this module by a test.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from virtualcite.realtime.protocol import NO_INPUT_IN_ERRORS, Error, Frame, Hello, Ping, Pong

ManagerFrame = Annotated[Hello | Ping, Field(discriminator="type")]
MANAGER_FRAMES: TypeAdapter[ManagerFrame] = TypeAdapter(ManagerFrame, config=NO_INPUT_IN_ERRORS)


class InstitutionCount(Frame):
    institution: str  # the partner's short name
    online: int  # its counsellors on shift for the pole
    available: int  # of them, taking offers with a free slot


class AlertCard(Frame):
    """A pole past one of its thresholds (virtualcite/staffing/alerts.py `PoleAlert`)."""

    kind: Literal["waiting_over", "wait_over", "nobody_available"]
    value: int  # visitors waiting, or the longest wait in whole minutes
    threshold: int


class ServiceLevelCard(Frame):
    target_wait_seconds: int
    target_level: int  # percent
    today: float | None  # share (0-1) answered within the target today; None: nobody yet
    answered_in_time: int
    counted: int


class PoleBoard(Frame):
    slug: str
    name: str
    colour: str
    open: bool
    waiting: int
    longest_wait: float  # seconds
    estimate_seconds: float | None
    counsellors_online: int
    counsellors_available: int
    planned: int  # counsellors the rota plans on this pole now
    needed: int | None  # for its target, from the last weeks (Erlang); None: too little history
    advice: str  # "2 online, 3 needed for 80 % in 3 min", in the socket's language
    by_institution: list[InstitutionCount]
    conversations: int
    offers_pending: int
    service_level: ServiceLevelCard
    alerts: list[AlertCard]


class RoomBoard(Frame):
    slug: str
    title: str
    pole: str
    status: Literal["open", "paused"]
    capacity: int
    seated: int
    waiting: int
    admitted: int
    left_early: int


class Dashboard(Frame):
    type: Literal["dashboard"] = "dashboard"
    poles: list[PoleBoard]
    rooms: list[RoomBoard]
    server_time: float


class PoleSeries(Frame):
    slug: str
    name: str
    colour: str
    waiting: list[int | None]  # one per minute of `day.minutes`; None: no snapshot
    longest_wait: list[int | None]  # seconds


class DaySeries(Frame):
    type: Literal["day"] = "day"
    minutes: list[str]  # "HH:MM", the Cité's local time, from midnight
    poles: list[PoleSeries]


ManagerServerFrame = Annotated[Dashboard | DaySeries | Pong | Error, Field(discriminator="type")]
MANAGER_SERVER_FRAMES: TypeAdapter[ManagerServerFrame] = TypeAdapter(
    ManagerServerFrame, config=NO_INPUT_IN_ERRORS)
