"""The Cité's directory: poles, partner institutions and staff profiles.

Poles, their names, colours and hours are data edited in the admin, never code: every Cité
adapts its poles to its territory (charter).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from virtualcite.opening import OpeningWindow, is_open_at, is_open_during, next_opening
from virtualcite.realtime.limits import MAX_MESSAGE_CHARS

# Generous enough for a busy afternoon at a large Cité; a manager lowers it in the admin.
DEFAULT_QUEUE_CAPACITY = 50
# A counsellor can follow a few written conversations at once, as in the best live-chat desks.
DEFAULT_MAX_CONVERSATIONS = 3
# The call centres' usual target: 80 % of visitors answered within 3 minutes.
DEFAULT_TARGET_WAIT_SECONDS = 180
DEFAULT_TARGET_SERVICE_LEVEL = 80


class Role(models.TextChoices):
    """Staff roles, stored as Django groups of the same name so the admin can assign them."""

    COUNSELLOR = "counsellor", _("Counsellor")
    FACILITATOR = "facilitator", _("Facilitator")
    MANAGER = "manager", _("Manager")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class PoleQuerySet(models.QuerySet["Pole"]):
    def active(self) -> PoleQuerySet:
        return self.filter(active=True)

    def with_hours(self, *, start: date) -> PoleQuerySet:
        """Each pole's weekly hours and closed dates from ``start`` in two queries in all, so
        asking every pole whether it is open costs no query per pole."""
        return self.prefetch_related(
            "opening_hours",
            models.Prefetch("closed_dates", queryset=ClosedDate.objects.filter(day__gte=start)),
        )


class Pole(models.Model):
    """A topic desk of the Cité (find a job, training, change career...)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour such as #1f5f8b."))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    queue_capacity = models.PositiveIntegerField(
        _("queue capacity"),
        default=DEFAULT_QUEUE_CAPACITY,
        validators=[MinValueValidator(1)],
        help_text=_("How many visitors may wait at once; newcomers are told the desk is full."),
    )
    # The service level a pole aims at (the usual "80 % answered within 3 minutes"): the
    # dashboard, the reports and the staffing advice measure against it.
    target_wait_seconds = models.PositiveIntegerField(
        _("target wait (seconds)"), default=DEFAULT_TARGET_WAIT_SECONDS,
        validators=[MinValueValidator(10)],
        help_text=_("Visitors answered within this wait count as served in time."))
    target_service_level = models.PositiveSmallIntegerField(
        _("target service level (%)"), default=DEFAULT_TARGET_SERVICE_LEVEL,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("The share of visitors to answer within the target wait."))
    # Alerts on the dashboard and to counsellors of other poles; empty means no alert.
    alert_waiting_over = models.PositiveIntegerField(
        _("alert when more than this many wait"), null=True, blank=True)
    alert_wait_minutes_over = models.PositiveIntegerField(
        _("alert when the longest wait passes (minutes)"), null=True, blank=True)
    alert_nobody_available = models.BooleanField(
        _("alert when nobody is available while open"), default=True)

    objects = PoleQuerySet.as_manager()

    class Meta:
        ordering = ("order", "name")
        verbose_name = _("pole")
        verbose_name_plural = _("poles")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return localised(self.name, self.name_en, language=get_language() or "fr")

    @property
    def display_description(self) -> str:
        return localised(self.description, self.description_en, language=get_language() or "fr")

    def opening_windows(self) -> list[OpeningWindow]:
        return [
            OpeningWindow(weekday=h.weekday, opens=h.opens, closes=h.closes)
            for h in self.opening_hours.all()
        ]

    def closed_dates_set(self, *, start: date) -> frozenset[date]:
        # Read through `.all()`, so that what `Pole.objects.with_hours` prefetched is used.
        return frozenset(closed.day for closed in self.closed_dates.all() if closed.day >= start)

    def is_open(self, at: datetime | None = None) -> bool:
        moment = timezone.localtime(at)
        return is_open_at(
            moment, self.opening_windows(), self.closed_dates_set(start=moment.date())
        )

    def is_open_during(self, start: datetime, end: datetime) -> bool:
        """Whether the pole is open at some moment of [start, end), a span within one day."""
        start, end = timezone.localtime(start), timezone.localtime(end)
        return is_open_during(start, end, self.opening_windows(),
                              self.closed_dates_set(start=start.date()))

    def next_opening(self, at: datetime | None = None) -> datetime | None:
        moment = timezone.localtime(at)
        return next_opening(
            moment, self.opening_windows(), self.closed_dates_set(start=moment.date())
        )


def localised(french: str, english: str, *, language: str) -> str:
    """A directory text in ``language``, falling back to French (the default language)."""
    return english if language.startswith("en") and english else french


class OpeningHours(models.Model):
    """One weekly opening window of a pole; several per day are allowed (e.g. a lunch break)."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ("weekday", "opens")
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.opens >= self.closes and self.closes != time(0, 0):
            raise ValidationError(_("A window must close after it opens (00:00 means midnight)."))


class ClosedDate(models.Model):
    """A day a pole stays closed despite its weekly hours (bank holiday, team training)."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="closed_dates")
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ("day",)
        unique_together = (("pole", "day"),)
        verbose_name = _("closed date")
        verbose_name_plural = _("closed dates")

    def __str__(self) -> str:
        return f"{self.pole} {self.day:%Y-%m-%d}"


class InstitutionKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Public employment service")
    TRAINING = "training", _("Adult training")
    GUIDANCE = "guidance", _("Guidance and information")
    HIGHER_EDUCATION = "higher_education", _("Higher and distance education")
    CAREER_REVIEW = "career_review", _("Skills review and career change")
    BUSINESS_CREATION = "business_creation", _("Business creation")
    OTHER = "other", _("Other")


class PartnerInstitution(models.Model):
    """A partner whose counsellors staff the desk; shown to visitors, never used for routing."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=InstitutionKind.choices, default=InstitutionKind.OTHER
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ("short_name",)
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")

    def __str__(self) -> str:
        return self.short_name


class StaffProfile(models.Model):
    """What the desk needs to know about a staff member beyond their Django account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    display_name = models.CharField(
        _("name shown to visitors"),
        max_length=60,
        help_text=_("A first name or a pseudonym; visitors see it with the institution."),
    )
    institution = models.ForeignKey(
        PartnerInstitution, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    poles = models.ManyToManyField(Pole, related_name="staff", blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=60,
        default="fr",
        validators=[RegexValidator(r"^[a-z]{2}(,[a-z]{2})*$", _("Codes like fr,en,es."))],
        help_text=_("Comma-separated language codes, e.g. fr,en."),
    )
    max_conversations = models.PositiveSmallIntegerField(
        _("maximum concurrent conversations"),
        default=DEFAULT_MAX_CONVERSATIONS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Refused at login when DEBUG is off.")
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.display_name

    def has_role(self, role: Role) -> bool:
        return self.user.groups.filter(name=role.value).exists()


class ResourceKind(models.TextChoices):
    WEBSITE = "website", _("Website")
    GUIDE = "guide", _("Guide or factsheet")
    BOOK = "book", _("Book")
    PERIODICAL = "periodical", _("Periodical")
    VIDEO = "video", _("Video")
    TOOL = "tool", _("Online tool")
    SERVICE = "service", _("Partner service")


class Resource(models.Model):
    """An item of the Cité's documentation, open to everyone and sent as a card in a chat."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ResourceKind.choices, default=ResourceKind.WEBSITE
    )
    url = models.URLField(_("link"), blank=True)
    isbn = models.CharField(
        _("ISBN or ISSN"),
        max_length=17,
        blank=True,
        validators=[RegexValidator(r"^[0-9X-]{8,17}$", _("Digits, dashes and X only."))],
    )
    summary = models.TextField(_("summary"), blank=True)
    review = models.TextField(
        _("documentalist's review"), blank=True,
        help_text=_("What it is good for and for whom, in a few lines."),
    )
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ("pole__order", "title")
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title


class CannedReply(models.Model):
    """A ready answer for a pole's frequent questions: the counsellor inserts it in the
    composer and edits it before sending; it is never sent on its own."""

    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="canned_replies", verbose_name=_("pole")
    )
    title = models.CharField(
        _("title"), max_length=80, help_text=_("What the counsellor sees in the list.")
    )
    # A message's own limit (virtualcite/realtime/limits.py MAX_MESSAGE_CHARS): inserted
    # whole, it can still be sent.
    text = models.TextField(_("text"), max_length=MAX_MESSAGE_CHARS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("pole__order", "order", "title")
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title
