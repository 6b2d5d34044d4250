"""What the desk stores: anonymous figures only, one row per ended conversation.

Never a visitor token, a pseudonym or a word of the conversation: the charter's yearly
self-evaluation needs waits, durations, outcomes and satisfaction, nothing else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationRecord(models.Model):
    """The anonymous trace of one conversation, written when it ends."""

    # The conversation's random id: lets the visitor rate it, and links to nothing else.
    conversation_id = models.CharField(max_length=64, unique=True)
    pole = models.SlugField(_("pole"))
    institutions = models.JSONField(_("institutions"), default=list)
    waited_seconds = models.FloatField(_("wait"))
    duration_seconds = models.FloatField(_("duration"))
    ended_reason = models.CharField(_("how it ended"), max_length=32)
    outcome_tags = models.JSONField(_("outcome tags"), default=list)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # Rounded to the hour: enough for reports by hour, too coarse to single anyone out.
    ended_hour = models.DateTimeField(_("ended (hour)"))

    class Meta:
        verbose_name = _("conversation record")
        verbose_name_plural = _("conversation records")
        indexes = (models.Index(fields=["pole", "ended_hour"]),)
