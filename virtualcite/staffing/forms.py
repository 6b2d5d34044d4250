"""The shift form of the rota page and the admin: a day, a start and an end time.

A shift lies within one day, so the form asks for the day once; the rules themselves are the
model's (models.py), this form only composes the two moments in the Cité's time zone.
Validate and save it in one transaction (the rota page and the admin do): validating locks the
counsellor's row, so that no other shift of theirs is saved between the check and the save.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from virtualcite.models import Pole, StaffProfile
from virtualcite.roles import counsellor_profiles
from virtualcite.staffing.models import (
    PlannedShift,
    closed_poles_errors,
    lock_counsellor,
    poles_errors,
)
from virtualcite.staffing.rota import FIRST_DAY, LAST_DAY

MIDNIGHT = time(0, 0)


class CounsellorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: StaffProfile) -> str:
        institution = obj.institution
        return f"{obj.display_name} ({institution.short_name})" if institution else obj.display_name


class PoleChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Pole) -> str:
        return obj.display_name


class PlannedShiftForm(forms.ModelForm):
    counsellor = CounsellorChoice(
        label=_("Counsellor"), queryset=counsellor_profiles()
        .select_related("institution").order_by("display_name"))
    poles = PoleChoices(label=_("Poles"), queryset=Pole.objects.active(),
                        widget=forms.CheckboxSelectMultiple,
                        help_text=_("Among the counsellor's own poles."))
    day = forms.DateField(
        label=_("Day"), validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
        widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DAY.isoformat(),
                                      "max": LAST_DAY.isoformat()}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"},
                                                                      format="%H:%M"))
    ends = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"},
                                                                  format="%H:%M"),
                           help_text=_("00:00 means midnight, the end of the day."))

    class Meta:
        model = PlannedShift
        fields = ("counsellor", "poles")

    def __init__(self, *args: Any, day: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shift = self.instance
        if shift.pk is not None:
            start = timezone.localtime(shift.starts_at)
            end = timezone.localtime(shift.ends_at)
            self.initial.update(day=start.date(), starts=start.time(), ends=end.time())
        elif day is not None:
            self.initial["day"] = day

    def clean(self) -> dict[str, Any]:
        """Set the span on the shift before the model checks it (ModelForm's _post_clean),
        and check the poles against the counsellor's, which the model cannot before saving."""
        super().clean()
        cleaned = self.cleaned_data
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day is not None and starts is not None and ends is not None:
            self.instance.starts_at = timezone.make_aware(datetime.combine(day, starts))
            end_day = day + timedelta(days=1) if ends == MIDNIGHT else day
            self.instance.ends_at = timezone.make_aware(datetime.combine(end_day, ends))
        counsellor, poles = cleaned.get("counsellor"), cleaned.get("poles")
        if counsellor is not None:
            # Before the model's overlap check, which runs after this method (_post_clean).
            lock_counsellor(counsellor.pk)
        if counsellor is not None and poles is not None:
            errors = poles_errors(counsellor=counsellor, poles=poles)
            if self.instance.starts_at is not None and self.instance.ends_at is not None:
                errors += closed_poles_errors(poles=poles, starts_at=self.instance.starts_at,
                                              ends_at=self.instance.ends_at)
            if errors:
                self.add_error("poles", ValidationError(errors))
        return cleaned
