"""The rota: who is planned on which poles, when.

A planned shift names a staff profile of the directory and nothing more about the person; it
is the managers' plan, apart from the desk's live shift a counsellor starts at their desk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from virtualcite.models import Pole, StaffProfile

# A long day at the desk, breaks included; a longer span is a typing mistake, not a shift.
MAX_SHIFT_HOURS = 12


def lock_counsellor(counsellor_id: int) -> None:
    """Hold the counsellor's row until the transaction ends, so that their shifts are checked
    for overlaps and saved by one writer at a time: two managers planning the same person at
    once would each pass the check, then both save. Call it inside `transaction.atomic()`.
    PostgreSQL locks the row; SQLite has no row locks and runs one write transaction at a
    time, so the window there is between the check and the first write only."""
    StaffProfile.objects.select_for_update().filter(pk=counsellor_id).exists()


class PlannedShiftQuerySet(models.QuerySet["PlannedShift"]):
    def overlapping(self, *, starts_at: datetime, ends_at: datetime) -> PlannedShiftQuerySet:
        """Shifts sharing some time with [starts_at, ends_at): one ending as another starts
        does not overlap it."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class PlannedShift(models.Model):
    """A counsellor planned on some of their poles for a span within one day."""

    counsellor = models.ForeignKey(StaffProfile, on_delete=models.CASCADE,
                                   related_name="planned_shifts", verbose_name=_("counsellor"))
    poles = models.ManyToManyField(Pole, related_name="planned_shifts", verbose_name=_("poles"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    objects = PlannedShiftQuerySet.as_manager()

    class Meta:
        ordering = ("starts_at", "ends_at")
        verbose_name = _("planned shift")
        verbose_name_plural = _("planned shifts")
        indexes = (models.Index(fields=["starts_at", "ends_at"]),
                   models.Index(fields=["counsellor", "ends_at"]))

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.counsellor} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def clean(self) -> None:
        """The rules on the span: after its start, within one day, no double booking."""
        if self.starts_at is None or self.ends_at is None:
            return  # the field's own "required" error says it
        errors = span_errors(starts_at=self.starts_at, ends_at=self.ends_at)
        if not errors and self.counsellor_id is not None:
            clash = (PlannedShift.objects.filter(counsellor_id=self.counsellor_id)
                     .exclude(pk=self.pk)
                     .overlapping(starts_at=self.starts_at, ends_at=self.ends_at).first())
            if clash is not None:
                errors.append(ValidationError(
                    _("%(name)s is already planned from %(start)s to %(end)s that day."),
                    code="overlap",
                    params={"name": self.counsellor.display_name,
                            "start": f"{timezone.localtime(clash.starts_at):%H:%M}",
                            "end": f"{timezone.localtime(clash.ends_at):%H:%M}"}))
        if errors:
            raise ValidationError(errors)


def span_errors(*, starts_at: datetime, ends_at: datetime) -> list[ValidationError]:
    """What is wrong with a shift's span, in the Cité's time zone: it must end after it starts,
    on the same day (midnight closes a day) and within MAX_SHIFT_HOURS."""
    if ends_at <= starts_at:
        return [ValidationError(_("A shift must end after it starts."), code="ends_before")]
    errors = []
    start = timezone.localtime(starts_at)
    next_midnight = timezone.make_aware(datetime.combine(start.date() + timedelta(days=1),
                                                         datetime.min.time()))
    if ends_at > next_midnight:
        errors.append(ValidationError(_("A shift must end on the day it starts (at midnight "
                                        "at the latest)."), code="next_day"))
    if ends_at - starts_at > timedelta(hours=MAX_SHIFT_HOURS):
        errors.append(ValidationError(
            _("A shift lasts %(hours)d hours at most."), code="too_long",
            params={"hours": MAX_SHIFT_HOURS}))
    return errors


def poles_errors(*, counsellor: StaffProfile, poles: Iterable[Pole]) -> list[ValidationError]:
    """A shift's poles must be some of the counsellor's own (their profile's poles), since the
    desk only offers them visitors of those."""
    chosen = list(poles)
    if not chosen:
        return [ValidationError(_("Choose at least one pole."), code="no_pole")]
    theirs = {pole.pk for pole in counsellor.poles.all()}  # prefetched by a caller that can
    foreign = [pole for pole in chosen if pole.pk not in theirs]
    if not foreign:
        return []
    return [ValidationError(
        _("%(poles)s: not among the poles of %(name)s (their profile's)."), code="foreign_pole",
        params={"name": counsellor.display_name,
                "poles": ", ".join(pole.display_name for pole in foreign)})]


def closed_poles_errors(*, poles: Iterable[Pole], starts_at: datetime,
                        ends_at: datetime) -> list[ValidationError]:
    """A pole closed for the whole span (its weekly hours, a closed date) would offer the
    counsellor nobody: planning them there is a mistake, not a shift."""
    closed = [pole for pole in poles if not pole.is_open_during(starts_at, ends_at)]
    if not closed:
        return []
    return [ValidationError(
        _("%(poles)s: closed for the whole of this shift, so nobody would be offered there."),
        code="pole_closed", params={"poles": ", ".join(pole.display_name for pole in closed)})]
