"""The desk's conversation records (chat 0001) become visit records; chat 0002 drops them."""

from datetime import timedelta
from typing import Any

from django.db import migrations

_OUTCOMES = {"visitor": ("served", "visitor"), "counsellor": ("served", "counsellor"),
             "visitor_lost": ("lost", ""), "counsellor_lost": ("counsellor_lost", ""),
             "blocked": ("blocked", "counsellor"), "transferred": ("transferred", "counsellor")}


def copy_records(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("chat", "ConversationRecord")
    new = apps.get_model("figures", "VisitRecord")
    rows = []
    for record in old.objects.all().iterator():
        outcome, ended_by = _OUTCOMES.get(record.ended_reason, ("served", ""))
        arrival = record.ended_hour - timedelta(
            seconds=record.waited_seconds + record.duration_seconds)
        rows.append(new(
            conversation_id=record.conversation_id, pole=record.pole,
            institution=(record.institutions or [""])[0],
            arrival_hour=arrival.replace(minute=0, second=0, microsecond=0),
            wait_seconds=round(record.waited_seconds),
            duration_seconds=round(record.duration_seconds), outcome=outcome,
            ended_by=ended_by, outcome_tags=record.outcome_tags, rating=record.rating))
    new.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("figures", "0001_initial"),
        ("chat", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_records, migrations.RunPython.noop)]
