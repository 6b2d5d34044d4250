"""The desk's "today" starts at the Cité's midnight, summer or winter."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import override_settings

from chat.core.routing import day_key
from chat.runtime import desk_config


@override_settings(TIME_ZONE="Europe/Paris")
def test_today_follows_the_change_to_and_from_summer_time() -> None:
    # Half past midnight in Paris, the next day: 23:30 UTC in winter (UTC+1), 22:30 in summer.
    winter = datetime(2026, 1, 15, 23, 30, tzinfo=UTC).timestamp()
    summer = datetime(2026, 7, 15, 22, 30, tzinfo=UTC).timestamp()

    assert desk_config(winter).day_offset_seconds == 3600
    assert day_key(winter, desk_config(winter)) == "2026-01-16"
    assert desk_config(summer).day_offset_seconds == 7200
    assert day_key(summer, desk_config(summer)) == "2026-07-16"
