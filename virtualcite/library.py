"""The library's resources as the live apps show them: a card, and the refusal of one.

The desk's counsellors send cards into a conversation and the rooms' facilitators pin and
post them. The frame is here, importable without Django's models (the frames' modules need
it); the cards are built by virtualcite/resource_cards.py.
"""

from __future__ import annotations

from virtualcite.realtime.errors import Refused, gettext_noop
from virtualcite.realtime.protocol import Frame


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
