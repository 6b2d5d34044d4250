"""The anonymous figures, one table per kind of fact.

A visit's row says where and roughly when (the hour of arrival), how long it waited and
lasted, and how it ended; nothing that could single anyone out. Rows marked `is_demo` are the
synthetic weeks of `virtualcite demo` (`python -m django demo_figures --remove` takes them away).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """How a visit (or one leg of it) ended."""

    SERVED = "served", _("Served")  # a conversation that ended normally (see `ended_by`)
    ABANDONED = "abandoned", _("Left while waiting")
    LOST = "lost", _("Connection lost")  # the visitor's grace ran out, waiting or talking
    BLOCKED = "blocked", _("Blocked")  # a counsellor blocked the visitor
    # One leg of a visit that goes on in another record: passed to another pole, or put back
    # at the head of the queue when the counsellor was lost.
    TRANSFERRED = "transferred", _("Transferred")
    COUNSELLOR_LOST = "counsellor_lost", _("Counsellor lost, requeued")
    REFUSED_CLOSED = "refused_closed", _("Refused: pole closed")
    REFUSED_FULL = "refused_full", _("Refused: queue full")
    REFUSED_BLOCKED = "refused_blocked", _("Refused: blocked")


# Legs after which the same visit goes on in another row: not counted as visits.
CONTINUED = (Outcome.TRANSFERRED, Outcome.COUNSELLOR_LOST)
REFUSED = (Outcome.REFUSED_CLOSED, Outcome.REFUSED_FULL, Outcome.REFUSED_BLOCKED)
# Visits that waited in a queue and never reached a counsellor.
GAVE_UP = (Outcome.ABANDONED,)


class EndedBy(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    COUNSELLOR = "counsellor", _("Counsellor")


class VisitRecord(models.Model):
    """One visit to the desk, or one leg of it, written when it ends (or is refused)."""

    # The conversation's random id, so the visitor can rate it; links to nothing else. Empty
    # for a visit that never reached a conversation.
    conversation_id = models.CharField(max_length=64, blank=True, default="")
    pole = models.SlugField(_("pole"))
    # The lead counsellor's institution (short name); empty without a conversation.
    institution = models.CharField(_("institution"), max_length=40, blank=True, default="")
    # Rounded down to the hour: enough for reports by hour, too coarse to single anyone out.
    arrival_hour = models.DateTimeField(_("hour of arrival"))
    wait_seconds = models.PositiveIntegerField(_("wait (seconds)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True,
                                                   blank=True)
    outcome = models.CharField(_("how it ended"), max_length=20, choices=Outcome.choices)
    ended_by = models.CharField(_("ended by"), max_length=12, choices=EndedBy.choices,
                                blank=True, default="")
    outcome_tags = models.JSONField(_("outcome tags"), default=list, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo figure"), default=False)

    class Meta:
        verbose_name = _("visit record")
        verbose_name_plural = _("visit records")
        indexes = (models.Index(fields=["arrival_hour", "pole"]),)
        constraints = (
            models.UniqueConstraint(fields=["conversation_id"], name="one_record_per_conversation",
                                    condition=~models.Q(conversation_id="")),
        )


class RoomAttendance(models.Model):
    """One session of a group room, from its opening to its closing."""

    room = models.SlugField(_("room"))
    pole = models.SlugField(_("pole"))
    opened_hour = models.DateTimeField(_("opened (hour)"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    admitted = models.PositiveIntegerField(_("admitted"), default=0)
    waited = models.PositiveIntegerField(_("waited for a seat"), default=0)
    left_early = models.PositiveIntegerField(_("left early"), default=0)
    is_demo = models.BooleanField(_("demo figure"), default=False)

    class Meta:
        verbose_name = _("room attendance")
        verbose_name_plural = _("room attendance")
        indexes = (models.Index(fields=["opened_hour", "pole"]),)


class PoleMinute(models.Model):
    """A pole's load at one minute, written by one process (the leader lease)."""

    pole = models.SlugField(_("pole"))
    minute = models.DateTimeField(_("minute"))
    waiting = models.PositiveIntegerField(_("waiting"))
    longest_wait_seconds = models.PositiveIntegerField(_("longest wait (seconds)"))
    counsellors_online = models.PositiveIntegerField(_("counsellors online"))
    counsellors_available = models.PositiveIntegerField(_("counsellors available"))
    conversations = models.PositiveIntegerField(_("conversations"))
    offers_pending = models.PositiveIntegerField(_("offers pending"))
    is_demo = models.BooleanField(_("demo figure"), default=False)

    class Meta:
        verbose_name = _("pole minute")
        verbose_name_plural = _("pole minutes")
        constraints = (models.UniqueConstraint(fields=["pole", "minute"],
                                               name="one_snapshot_per_pole_minute"),)
