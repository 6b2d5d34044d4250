"""Two managers planning the same counsellor at the same moment: one shift, never two.

Each shift form's check for an overlap runs before its save; without a lock, two overlapping
shifts saved at once would each pass the check against a table without the other. The form
locks the counsellor's row while it validates (`lock_counsellor`), so the second manager's
check waits for the first one's transaction, then sees its shift. PostgreSQL only: SQLite has
no row locks (and one writer at a time).
"""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections, transaction
from django.utils import translation

from tests.waiting import wait_for
from virtualcite.models import OpeningHours, Pole, Role, StaffProfile
from virtualcite.staffing.forms import PlannedShiftForm
from virtualcite.staffing.models import PlannedShift

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="row locks: PostgreSQL only (DATABASE_URL)")]

MONDAY = date(2031, 3, 3)


def shift_form(counsellor: StaffProfile, pole: Pole, starts: str, ends: str) -> PlannedShiftForm:
    return PlannedShiftForm({"counsellor": counsellor.pk, "poles": [pole.pk],
                             "day": MONDAY.isoformat(), "starts": starts, "ends": ends})


def waiting_on_a_lock() -> bool:
    """Whether another session of this database waits for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock'")
        (count,) = cursor.fetchone()
    return bool(count)


def test_a_second_overlapping_shift_saved_at_the_same_moment_is_refused() -> None:
    pole = Pole.objects.create(slug="jobs", name="Trouver un emploi", name_en="Find a job")
    OpeningHours.objects.create(pole=pole, weekday=MONDAY.weekday(), opens=time(8, 0),
                                closes=time(18, 0))
    user = User.objects.create_user(username="camille", password="not-used")
    user.groups.set([Group.objects.get(name=Role.COUNSELLOR.value)])
    camille = StaffProfile.objects.create(user=user, display_name="Camille")
    camille.poles.set([pole])
    first_checked, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first_manager() -> None:
        try:
            with transaction.atomic():
                form = shift_form(camille, pole, "09:00", "13:00")
                assert form.is_valid(), form.errors
                form.save()
                first_checked.set()
                release.wait(timeout=30)  # still uncommitted while the second one checks
        finally:
            connections.close_all()

    def second_manager() -> None:
        try:
            with transaction.atomic(), translation.override("en"):
                form = shift_form(camille, pole, "12:00", "15:00")
                outcome["valid"] = form.is_valid()
                outcome["errors"] = list(form.non_field_errors())
                if outcome["valid"]:
                    form.save()
        finally:
            connections.close_all()

    first = threading.Thread(target=first_manager)
    first.start()
    assert first_checked.wait(timeout=30)
    second = threading.Thread(target=second_manager)
    second.start()
    wait_for(waiting_on_a_lock, what="the second check to wait for the first one's lock")
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcome["valid"] is False
    assert outcome["errors"] == ["Camille is already planned from 09:00 to 13:00 that day."]
    assert PlannedShift.objects.count() == 1
