"""Group rooms as the Cité's staff set them up in the admin: what, where, when, who.

What happens inside a running room (who is present, who has the floor) is live state, never
stored here; these rows only say what the agenda shows and what a room offers when it opens.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rooms.schedule import MIDNIGHT, ScheduleEntry
from virtualcite.models import Pole, Resource, StaffProfile, Weekday

# A workshop of the Cité seats about a dozen; a manager raises it for a larger club.
DEFAULT_CAPACITY = 12


def default_language() -> str:
    """The Cité's language (settings.LANGUAGE_CODE, set by the environment) for a new room."""
    return str(settings.LANGUAGE_CODE)


class RoomQuerySet(models.QuerySet["Room"]):
    def active(self) -> RoomQuerySet:
        """Rooms open to visitors: the room and its pole both active."""
        return self.filter(active=True, pole__active=True)


class Room(models.Model):
    """A workshop, club or collective self-training session of a pole."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True,
                            help_text=_("The room's address: /rooms/<slug>/."))
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="rooms",
                             verbose_name=_("pole"))
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=default_language,
                                help_text=_("The language the room is run in."))
    capacity = models.PositiveIntegerField(
        _("capacity"), default=DEFAULT_CAPACITY, validators=[MinValueValidator(1)],
        help_text=_("How many participants at once; the next ones wait for a seat."))
    facilitators = models.ManyToManyField(StaffProfile, related_name="rooms", blank=True,
                                          verbose_name=_("facilitators"))
    resources = models.ManyToManyField(
        Resource, related_name="rooms", blank=True, limit_choices_to={"published": True},
        verbose_name=_("pinned resources"),
        help_text=_("Library resources shown to every participant from the start."))
    active = models.BooleanField(_("active"), default=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ("pole__order", "title")
        verbose_name = _("group room")
        verbose_name_plural = _("group rooms")

    def __str__(self) -> str:
        return self.title

    def schedule_entries(self) -> list[ScheduleEntry]:
        # Read through `.all()`, so that a prefetch of the schedules is used.
        return [schedule.entry() for schedule in self.schedules.all()]


class ScheduleKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    WEEKLY = "weekly", _("Weekly")


class RoomSchedule(models.Model):
    """One session (a date) or a weekly slot (a weekday) of a room, in the Cité's time zone."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="schedules")
    kind = models.CharField(_("kind"), max_length=8, choices=ScheduleKind.choices,
                            default=ScheduleKind.WEEKLY)
    date = models.DateField(_("date"), null=True, blank=True,
                            help_text=_("For a one-off session."))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True,
                                               blank=True, help_text=_("For a weekly slot."))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"), help_text=_("00:00 means midnight."))
    starts_on = models.DateField(_("from"), null=True, blank=True,
                                 help_text=_("Optional first day of a weekly slot."))
    ends_on = models.DateField(_("until"), null=True, blank=True,
                               help_text=_("Optional last day of a weekly slot."))

    class Meta:
        ordering = ("kind", "date", "weekday", "opens_at")
        verbose_name = _("session or weekly slot")
        verbose_name_plural = _("schedule")

    def __str__(self) -> str:
        when = (f"{self.date:%Y-%m-%d}" if self.kind == ScheduleKind.ONE_OFF and self.date
                else self.get_weekday_display())
        return f"{when} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.kind == ScheduleKind.ONE_OFF:
            if self.date is None:
                errors["date"] = ValidationError(_("A one-off session needs its date."))
            if self.weekday is not None or self.starts_on or self.ends_on:
                errors["weekday"] = ValidationError(
                    _("A one-off session has a date, not a weekday or a period."))
        else:
            if self.weekday is None:
                errors["weekday"] = ValidationError(_("A weekly slot needs its weekday."))
            if self.date is not None:
                errors["date"] = ValidationError(
                    _("A weekly slot has a weekday; set a one-off session for a date."))
            if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
                errors["ends_on"] = ValidationError(_("The last day comes before the first."))
        if (self.opens_at is not None and self.closes_at is not None
                and self.closes_at <= self.opens_at and self.closes_at != MIDNIGHT):
            errors["closes_at"] = ValidationError(
                _("A session must close after it opens (00:00 means midnight)."))
        if errors:
            raise ValidationError(errors)

    def entry(self) -> ScheduleEntry:
        if self.kind == ScheduleKind.ONE_OFF:
            return ScheduleEntry(opens=self.opens_at, closes=self.closes_at, day=self.date)
        return ScheduleEntry(opens=self.opens_at, closes=self.closes_at, weekday=self.weekday,
                             starts_on=self.starts_on, ends_on=self.ends_on)


class RoomStep(models.Model):
    """One step of a room's exercise, announced by the facilitator in order."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta:
        ordering = ("order", "id")
        verbose_name = _("exercise step")
        verbose_name_plural = _("exercise steps")

    def __str__(self) -> str:
        return self.title
