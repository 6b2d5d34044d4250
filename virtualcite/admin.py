"""The admin for the Cité's directory: managers edit poles, hours, partners and staff here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from virtualcite.models import (
    CannedReply,
    ClosedDate,
    OpeningHours,
    PartnerInstitution,
    Pole,
    Resource,
    StaffProfile,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


class ClosedDateInline(admin.TabularInline):
    model = ClosedDate
    extra = 0


@admin.register(Pole)
class PoleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "active", "queue_capacity", "colour")
    list_editable = ("order", "active", "queue_capacity")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012 (Django's documented form)
    search_fields = ("name", "name_en", "slug")
    inlines = (OpeningHoursInline, ClosedDateInline)
    fieldsets = (
        (None, {"fields": ("slug", "name", "name_en", "description", "description_en",
                           "colour", "order", "active", "queue_capacity")}),
        (_("Service level"), {"fields": ("target_wait_seconds", "target_service_level")}),
        (_("Alerts"), {"fields": ("alert_waiting_over", "alert_wait_minutes_over",
                                  "alert_nobody_available"),
                       "description": _("Shown on the managers' dashboard and sent to the "
                                        "counsellors on shift for other poles.")}),
    )


@admin.register(PartnerInstitution)
class PartnerInstitutionAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "website")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "pole", "kind", "published")
    list_filter = ("pole", "kind", "published")
    search_fields = ("title", "summary", "isbn")


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "pole", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("pole", "active")
    search_fields = ("title", "text")


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ("poles",)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin with the desk profile (institution, poles, capacity) inline."""

    inlines = (StaffProfileInline,)
    list_display = ("username", "first_name", "is_staff", "institution")
    list_filter = (*UserAdmin.list_filter, "staff_profile__institution")

    @admin.display(description="institution")
    def institution(self, user: object) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.institution) if profile and profile.institution else "—"


admin.site.site_header = "Cité des métiers virtuelle"
admin.site.site_title = "Cité des métiers virtuelle"
