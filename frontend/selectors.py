"""Reads for the pages: the poles as a visitor sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from rooms.selectors import RoomSession, next_rooms_by_pole
from virtualcite.models import CannedReply, OpeningHours, Pole, Resource, StaffProfile
from virtualcite.roles import counsellor_profiles


@dataclass(frozen=True)
class PoleCard:
    slug: str
    name: str
    description: str
    colour: str
    is_open: bool
    next_opening: datetime | None
    hours: list[OpeningHours]
    rooms: list[RoomSession]  # its group rooms' next sessions (offered when the desk is closed)


def pole_cards_list(*, at: datetime | None = None) -> list[PoleCard]:
    """Active poles in display order, with their weekly hours, whether they are open now and
    their next group rooms."""
    moment = timezone.localtime(at)
    rooms = next_rooms_by_pole(at=moment)
    cards = []
    for pole in Pole.objects.active().with_hours(start=moment.date()):
        is_open = pole.is_open(moment)
        cards.append(PoleCard(
            slug=pole.slug,
            name=pole.display_name,
            description=pole.display_description,
            colour=pole.colour,
            is_open=is_open,
            next_opening=None if is_open else pole.next_opening(moment),
            hours=list(pole.opening_hours.all()),
            rooms=rooms.get(pole.slug, []),
        ))
    return cards


@dataclass(frozen=True)
class LibraryPole:
    slug: str
    name: str
    description: str
    colour: str


def library_pole_get(*, slug: str) -> LibraryPole | None:
    """An active pole whose library is public, or None."""
    pole = Pole.objects.active().filter(slug=slug).first()
    if pole is None:
        return None
    return LibraryPole(slug=pole.slug, name=pole.display_name,
                       description=pole.display_description, colour=pole.colour)


def library_resources_list(*, pole_slug: str) -> list[Resource]:
    """The published resources of one pole, in title order (the public library page)."""
    return list(
        Resource.objects.filter(pole__slug=pole_slug, pole__active=True, published=True)
        .order_by("title")
    )


def desk_poles_list() -> list[dict[str, str]]:
    """Every active pole as the counsellor desk needs it: to start a shift and to transfer."""
    return [{"slug": pole.slug, "name": pole.display_name, "colour": pole.colour}
            for pole in Pole.objects.active()]


def desk_resource_cards_list() -> list[dict[str, object]]:
    """Published resources a counsellor may send as a card (the server looks the card up by id)."""
    return [
        {"id": resource.id, "pole": resource.pole.slug, "title": resource.title,
         "kind": resource.get_kind_display()}
        for resource in Resource.objects.filter(published=True, pole__active=True)
        .select_related("pole").order_by("pole__order", "title")
    ]


def desk_canned_replies_list() -> list[dict[str, object]]:
    """The active canned replies of active poles, in the admin's order: the composer offers
    those of the conversation's pole."""
    return [
        {"id": reply.id, "pole": reply.pole.slug, "title": reply.title, "text": reply.text}
        for reply in CannedReply.objects.filter(active=True, pole__active=True)
        .select_related("pole")
    ]


def counsellor_profile_get(*, user: AbstractBaseUser | AnonymousUser) -> StaffProfile | None:
    """The staff profile of a logged-in user when they hold the counsellor role, else None."""
    if not user.is_authenticated:
        return None
    return counsellor_profiles().filter(user_id=user.pk).prefetch_related("poles").first()
