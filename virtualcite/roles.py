"""Staff roles as Django groups, with the admin permissions each role needs.

Synchronised after every `migrate` (post_migrate), so a new model's permissions reach the
manager group without a hand-written data migration each time.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import QuerySet

from virtualcite.models import Role, StaffProfile

# Managers keep the directory in the admin (the brief: poles, institutions, counsellors, rooms,
# shifts and resources); apps add their models here as they come.
MANAGER_MODELS: dict[str, tuple[str, ...]] = {
    "virtualcite": (
        "pole", "openinghours", "closeddate", "partnerinstitution", "staffprofile", "resource",
        "cannedreply",
    ),
    "rooms": ("room", "roomschedule", "roomstep"),
    "staffing": ("plannedshift",),
    "auth": ("user",),
}


def sync_role_groups(**kwargs: Any) -> None:
    """Create the role groups and give managers the directory's admin permissions."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    manager = Group.objects.get(name=Role.MANAGER.value)
    permissions = Permission.objects.filter(
        content_type__app_label__in=MANAGER_MODELS.keys()
    ).select_related("content_type")
    manager.permissions.set(
        permission
        for permission in permissions
        if permission.content_type.model in MANAGER_MODELS[permission.content_type.app_label]
    )


def profiles_with_role(role: Role) -> QuerySet[StaffProfile]:
    """The staff profiles that hold `role` now: an active account in the role's group.

    The one definition of who may counsel or facilitate, used by the sockets (their role
    checks) and the pages.
    """
    return StaffProfile.objects.filter(user__is_active=True, user__groups__name=role.value)


def counsellor_profiles() -> QuerySet[StaffProfile]:
    return profiles_with_role(Role.COUNSELLOR)


def facilitator_profiles() -> QuerySet[StaffProfile]:
    """Who may run a group room (the rooms' admin form, their directory, the host socket)."""
    return profiles_with_role(Role.FACILITATOR)


def roles_of(user: AbstractBaseUser | AnonymousUser) -> set[Role]:
    """The roles a logged-in, active user holds (a superuser counts as a manager)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    names = set(Group.objects.filter(user__pk=user.pk).values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if getattr(user, "is_superuser", False):
        roles.add(Role.MANAGER)
    return roles
