"""The managers' rota page: a week of planned shifts, and the forms to plan, change, remove
and copy them. Views parse the request, call the form, the selector or the service, and
render; the rules are the model's (models.py)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from virtualcite.manager_access import manager_required
from virtualcite.staffing.advice import advisor
from virtualcite.staffing.forms import PlannedShiftForm
from virtualcite.staffing.models import PlannedShift
from virtualcite.staffing.rota import FIRST_DAY, LAST_DAY, rota_week, week_start
from virtualcite.staffing.rota_services import rota_week_copy


def _day_param(request: HttpRequest, name: str) -> date | None:
    """An ISO date from the query string or the form, or None when absent, malformed or out of
    the rota's range."""
    value = request.POST.get(name) if request.method == "POST" else request.GET.get(name)
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def _week_url(day: date) -> str:
    return f"{reverse('staffing:rota')}?week={week_start(day).isoformat()}#day-{day.isoformat()}"


@manager_required
def rota(request: HttpRequest) -> HttpResponse:
    """The week of ``?week=<any day of it>``, this week by default."""
    today = timezone.localdate()
    week = rota_week(start=_day_param(request, "week") or today, today=today)
    needs = advisor.peak_needs([day.day for day in week.days], today=today)
    coverage = [(day, [(count, needs.get((day.day, pole.slug)))
                       for count, pole in zip(day.pole_counts, week.poles, strict=True)])
                for day in week.days]
    return render(request, "staffing/rota.html",
                  {"week": week, "today": today, "coverage": coverage})


@manager_required
def shift_new(request: HttpRequest) -> HttpResponse:
    form = PlannedShiftForm(request.POST or None,
                            day=_day_param(request, "day") or timezone.localdate())
    return _save_or_show(request, form)


@manager_required
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(PlannedShift, pk=pk)
    return _save_or_show(request, PlannedShiftForm(request.POST or None, instance=shift))


def _save_or_show(request: HttpRequest, form: PlannedShiftForm) -> HttpResponse:
    shift = None
    if request.method == "POST":
        with transaction.atomic():  # the form's checks hold the counsellor until saved
            if form.is_valid():
                shift = form.save()
    if shift is not None:
        messages.success(request, _("The shift of %(name)s is planned.")
                         % {"name": shift.counsellor.display_name})
        return HttpResponseRedirect(_week_url(timezone.localtime(shift.starts_at).date()))
    back = form.initial.get("day") or timezone.localdate()
    return render(request, "staffing/rota_shift_form.html",
                  {"form": form, "shift": form.instance, "back_url": _week_url(back)})


@manager_required
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; its POST removes the shift."""
    shift = get_object_or_404(PlannedShift.objects.select_related("counsellor"), pk=pk)
    day = timezone.localtime(shift.starts_at).date()
    if request.method == "POST":
        shift.delete()
        messages.success(request, _("The shift of %(name)s is removed.")
                         % {"name": shift.counsellor.display_name})
        return HttpResponseRedirect(_week_url(day))
    return render(request, "staffing/rota_shift_delete.html",
                  {"shift": shift, "back_url": _week_url(day)})


@manager_required
@require_POST
def week_copy(request: HttpRequest) -> HttpResponse:
    """Copy the week before ``week`` onto it."""
    onto = _day_param(request, "week") or timezone.localdate()
    result = rota_week_copy(onto=onto)
    messages.success(request, ngettext("%(count)d shift copied from the week before.",
                                       "%(count)d shifts copied from the week before.",
                                       result.copied) % {"count": result.copied})
    if result.skipped:
        messages.warning(request, ngettext(
            "%(count)d shift not copied: it would double-book a counsellor or plan them on a "
            "pole or a role they no longer have.",
            "%(count)d shifts not copied: they would double-book a counsellor or plan them on "
            "a pole or a role they no longer have.", result.skipped) % {"count": result.skipped})
    return HttpResponseRedirect(_week_url(week_start(onto)))
