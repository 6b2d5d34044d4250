"""Cards of the library's published resources, sanitised once (virtualcite/library.py)."""

from __future__ import annotations

from channels.db import database_sync_to_async

from virtualcite.library import ResourceCard
from virtualcite.models import Resource
from virtualcite.realtime.sanitize import text_to_html


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
