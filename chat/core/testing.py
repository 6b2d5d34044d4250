"""Small builders for tests of the desk and of code built on it (stores, services).

Kept in the package, like ``channels.testing``, so every test suite shares one vocabulary.
"""

from __future__ import annotations

from chat.core import desk
from chat.core.events import Event, OfferMade
from chat.core.model import DEFAULTS, DeskConfig, DeskState, PolePolicy

# Large enough that tests never hit it unless they mean to.
ROOMY_QUEUE = 10_000


def open_poles(*slugs: str, capacity: int = ROOMY_QUEUE) -> dict[str, PolePolicy]:
    """Policies for poles that are open now."""
    return {s: PolePolicy(slug=s, capacity=capacity, is_open=True) for s in slugs}


def offers(events: list[Event]) -> list[tuple[str, str]]:
    """(token, counsellor_id) of every OfferMade among ``events``, in order."""
    return [(e.token, e.counsellor_id) for e in events if isinstance(e, OfferMade)]


def of_kind(events: list[Event], kind: type[Event]) -> list[Event]:
    """The events of one type, in order."""
    return [e for e in events if isinstance(e, kind)]


def online(
    state: DeskState,
    counsellor_id: str,
    *,
    poles: list[str],
    capacity: int = 1,
    institution: str = "APEC",
    now: float,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """Start a counsellor's shift with a display name derived from the id."""
    return desk.counsellor_online(
        state,
        counsellor_id=counsellor_id,
        display_name=counsellor_id.title(),
        institution=institution,
        poles=poles,
        capacity=capacity,
        now=now,
        config=config,
    )


def join(
    state: DeskState,
    token: str,
    pole: str,
    *,
    now: float,
    policies: dict[str, PolePolicy] | None = None,
    config: DeskConfig = DEFAULTS,
) -> list[Event]:
    """A visitor joins ``pole`` (open, roomy) with a pseudonym derived from the token."""
    return desk.visitor_join(
        state,
        token=token,
        pseudonym=f"visitor-{token}",
        pole=pole,
        policies=policies if policies is not None else open_poles(pole),
        now=now,
        config=config,
    )


def heartbeat_everyone(state: DeskState, *, now: float, config: DeskConfig = DEFAULTS) -> None:
    """Renew every lease, as live sockets would, so a test can let time pass without losses."""
    for token in list(state.tickets):
        desk.visitor_heartbeat(state, token=token, now=now, config=config)
    for counsellor_id in list(state.counsellors):
        desk.counsellor_heartbeat(state, counsellor_id=counsellor_id, now=now, config=config)


def offered_desk(now: float) -> DeskState:
    """A desk where counsellor c1 (CIDJ, pole `emploi`) has just been offered visitor `a`."""
    state = DeskState()
    online(state, "c1", poles=["emploi"], institution="CIDJ", now=now)
    join(state, "a", "emploi", now=now)
    return state
