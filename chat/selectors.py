"""What the desk's sockets read without changing anything: the desk's state seen by one person.

Selectors never write: a change goes through chat/services.py. Who may counsel is read from
the directory here, once (virtualcite/roles.py `counsellor_profiles`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async

from chat.core.errors import NoSuchOffer
from chat.core.model import Counsellor
from chat.core.queries import PoleLoad, PoleStaffing, pole_load, pole_staffing
from chat.core.reform import CounsellorMemento, counsellor_memento
from chat.frames import CounsellorCard, CounsellorState, PoleStatus
from chat.identity import conversation_group, visitor_handle
from chat.runtime import desk_config, desk_runtime
from chat.snapshots import colleagues, conversations_of, load_figures, offers_of, shift_of
from virtualcite.roles import counsellor_profiles


@dataclass(frozen=True)
class StaffMember:
    """Who is behind a counsellor socket, read from the directory at the handshake."""

    id: str
    display_name: str
    institution: str
    poles: tuple[str, ...]
    max_conversations: int

    @property
    def card(self) -> CounsellorCard:
        return CounsellorCard(id=self.id, name=self.display_name, institution=self.institution)


async def staff_member(*, user_id: int) -> StaffMember | None:
    """The counsellor behind a session, or None if the account may not counsel (now)."""
    member: StaffMember | None = await database_sync_to_async(_staff_member)(user_id)
    return member


def _staff_member(user_id: int) -> StaffMember | None:
    profile = counsellor_profiles().select_related("user", "institution").filter(
        user_id=user_id).first()
    if profile is None:
        return None
    return StaffMember(
        id=str(user_id), display_name=profile.display_name,
        institution=profile.institution.short_name if profile.institution else "",
        poles=tuple(profile.poles.filter(active=True).values_list("slug", flat=True)),
        max_conversations=profile.max_conversations,
    )


async def counsellor_state(*, member: StaffMember, poles: list[PoleStatus]
                           ) -> tuple[CounsellorState, dict[str, str], CounsellorMemento | None]:
    """Everything the counsellor's screen shows (`poles` are their PoleStatus frames), the
    channel-layer group of each of their conversations, which the socket must be in, and
    what the socket must remember of the shift."""
    state = await desk_runtime().store.read()
    counsellor = state.counsellors.get(member.id)
    screen = CounsellorState(
        me=member.card, shift=shift_of(counsellor),
        offers=offers_of(state, counsellor) if counsellor else [],
        conversations=conversations_of(state, counsellor) if counsellor else [],
        poles=poles, colleagues=colleagues(state),
    )
    groups = {cid: conversation_group(state.conversations[cid].token)
              for cid in (counsellor.conversation_ids if counsellor else [])}
    return screen, groups, counsellor_memento(state, member.id)


async def counsellor_on_shift(*, counsellor_id: str) -> bool:
    """Whether the counsellor holds a shift (the colleague channel is for those on shift)."""
    return counsellor_id in (await desk_runtime().store.read()).counsellors


async def pole_figures() -> dict[str, dict[str, Any]]:
    """Live figures of every pole with a queue or counsellors, keyed by slug."""
    rt = desk_runtime()
    state = await rt.store.read()
    now = rt.now()
    config = desk_config(now)
    slugs = {t.pole for t in state.tickets.values()}
    slugs.update(pole for c in state.counsellors.values() for pole in c.poles)
    return {slug: load_figures(pole_load(state, slug, now, config)) for slug in slugs}


async def pole_loads(slugs: Iterable[str]) -> dict[str, PoleLoad]:
    """The live load of each pole in `slugs`, from one read of the desk (the minute
    snapshots)."""
    rt = desk_runtime()
    state = await rt.store.read()
    now = rt.now()
    config = desk_config(now)
    return {slug: pole_load(state, slug, now, config) for slug in slugs}


async def pole_overview(slugs: Iterable[str]) -> dict[str, tuple[PoleLoad, PoleStaffing]]:
    """Each pole's load and who staffs it, by institution, from one read of the desk (the
    managers' dashboard)."""
    rt = desk_runtime()
    state = await rt.store.read()
    now = rt.now()
    config = desk_config(now)
    return {slug: (pole_load(state, slug, now, config), pole_staffing(state, slug, now))
            for slug in slugs}


def offered_token(counsellor: Counsellor | None, handle: str) -> str:
    """The token behind a handle among the counsellor's own offers (never anyone else's)."""
    if counsellor is not None:
        for token in counsellor.offered_tokens:
            if visitor_handle(token) == handle:
                return token
    raise NoSuchOffer(handle)


async def offer_group(*, counsellor_id: str, visitor: str) -> str:
    """The conversation group an accepted offer of `visitor` (a handle) will use.

    The counsellor's socket joins it before accepting, so that it hears the visitor's first
    message, sent as soon as their page shows the match. NoSuchOffer if not offered to them.
    """
    state = await desk_runtime().store.read()
    return conversation_group(offered_token(state.counsellors.get(counsellor_id), visitor))
