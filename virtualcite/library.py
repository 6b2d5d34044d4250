"""The library's resources as the live apps show them: a card, sanitised once.

The desk's counsellors send cards into a conversation and the rooms' facilitators pin and
post them; both build them here, from the published resources only.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.utils.translation import gettext_noop

from virtualcite.models import Resource
from virtualcite.realtime.errors import Refused
from virtualcite.realtime.protocol import Frame
from virtualcite.realtime.sanitize import text_to_html


class UnknownResource(Refused):
    """The resource does not exist or is not published."""

    code = "unknown_resource"
    message = gettext_noop("This resource is not available.")


class ResourceCard(Frame):
    id: int
    title: str
    kind: str
    url: str
    summary_html: str  # sanitised (virtualcite/realtime/sanitize.py)
    review_html: str


def card_of(resource: Resource) -> ResourceCard:
    return ResourceCard(id=resource.pk, title=resource.title, kind=resource.get_kind_display(),
                        url=resource.url, summary_html=text_to_html(resource.summary),
                        review_html=text_to_html(resource.review))


async def resource_card(resource_id: int) -> ResourceCard | None:
    """The card of a published resource, None if there is none (never an unpublished one)."""
    card: ResourceCard | None = await database_sync_to_async(_published_card)(resource_id)
    return card


def _published_card(resource_id: int) -> ResourceCard | None:
    resource = Resource.objects.filter(pk=resource_id, published=True).first()
    return card_of(resource) if resource is not None else None
