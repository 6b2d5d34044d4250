"""The rota in the admin: the same form and rules as the managers' rota page."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from virtualcite.staffing.forms import PlannedShiftForm
from virtualcite.staffing.models import PlannedShift


@admin.register(PlannedShift)
class PlannedShiftAdmin(admin.ModelAdmin):
    form = PlannedShiftForm
    fields = ("counsellor", "poles", "day", "starts", "ends")
    list_display = ("counsellor", "starts_at", "ends_at", "pole_names")
    list_filter = ("poles", "counsellor__institution", "counsellor", "starts_at")
    date_hierarchy = "starts_at"
    search_fields = ("counsellor__display_name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlannedShift]:
        return (super().get_queryset(request).select_related("counsellor")
                .prefetch_related("poles"))

    @admin.display(description=_("poles"))
    def pole_names(self, shift: PlannedShift) -> str:
        return ", ".join(pole.display_name for pole in shift.poles.all())
