"""The desk's rules: every change to the desk state goes through one of these functions.

Each function mutates ``state`` in place, runs routing, and returns the events that happened,
in order. A refusal raises a DeskError before anything is changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from chat.core.events import Event
from chat.core.model import DEFAULTS, DeskConfig, DeskState, PolePolicy


def visitor_join(
    state: DeskState,
    *,
    token: str,
    pseudonym: str,
    pole: str,
    policies: Mapping[str, PolePolicy],
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def visitor_leave(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def visitor_heartbeat(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def visitor_disconnect(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def visitor_resume(
    state: DeskState, *, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def counsellor_online(
    state: DeskState,
    *,
    counsellor_id: str,
    display_name: str,
    institution: str,
    poles: list[str],
    capacity: int,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def counsellor_pause(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def counsellor_resume(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def counsellor_drain(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def counsellor_heartbeat(
    state: DeskState, *, counsellor_id: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def offer_accept(
    state: DeskState,
    *,
    counsellor_id: str,
    token: str,
    conversation_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def offer_decline(
    state: DeskState, *, counsellor_id: str, token: str, now: float, config: DeskConfig = DEFAULTS
) -> list[Event]:
    raise NotImplementedError


def conversation_end(
    state: DeskState,
    *,
    conversation_id: str,
    ended_by: str,
    outcome_tags: list[str] | None = None,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def conversation_transfer(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    to_pole: str,
    note: str | None,
    policies: Mapping[str, PolePolicy],
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def conversation_invite(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    invitee_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def conversation_leave(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def visitor_block(
    state: DeskState,
    *,
    conversation_id: str,
    counsellor_id: str,
    hours: float,
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    raise NotImplementedError


def tick(state: DeskState, *, now: float, config: DeskConfig = DEFAULTS) -> list[Event]:
    raise NotImplementedError
