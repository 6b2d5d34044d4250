"""The admin for group rooms: managers set each room's schedule, steps, facilitators and
pinned resources here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest

from rooms.models import Room, RoomSchedule, RoomStep
from virtualcite.roles import facilitator_profiles


class RoomScheduleInline(admin.TabularInline):
    model = RoomSchedule
    extra = 1
    fields = ("kind", "date", "weekday", "opens_at", "closes_at", "starts_on", "ends_on")


class RoomStepInline(admin.StackedInline):
    model = RoomStep
    extra = 0
    fields = ("order", "title", "instructions")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("title", "pole", "language", "capacity", "active")
    list_editable = ("active",)
    list_filter = ("pole", "language", "active")
    list_select_related = ("pole",)
    prepopulated_fields = {"slug": ("title",)}  # noqa: RUF012 (Django's documented form)
    search_fields = ("title", "slug", "description")
    filter_horizontal = ("facilitators", "resources")
    inlines = (RoomScheduleInline, RoomStepInline)

    def formfield_for_manytomany(self, db_field: ManyToManyField, request: HttpRequest,
                                 **kwargs: Any) -> ModelMultipleChoiceField | None:
        """Only staff holding the facilitator role may be chosen to run a room."""
        if db_field.name == "facilitators":
            kwargs["queryset"] = facilitator_profiles().select_related("user")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
