"""Fixtures for tests that run the live desk in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from django.test import override_settings

from chat.presence import presence
from rooms.presence import presence as room_presence
from tests.integration.desk_client import DeskClient
from virtualcite.realtime.runtime import reset_runtime
from virtualcite.staffing.feed import feed as dashboard_feed


@pytest.fixture
async def live_desk(transactional_db: None) -> AsyncIterator[None]:
    """A fresh in-memory desk and the demo directory, with DEBUG on for demo logins."""
    from channels.db import database_sync_to_async

    from virtualcite.demo import load_demo

    await reset_runtime()
    await database_sync_to_async(load_demo)()
    with override_settings(DEBUG=True):
        yield
    await DeskClient.close_all()
    await presence.stop()
    await room_presence.stop()
    await dashboard_feed.stop()
    # Database work of the sockets runs in one thread, in order: this waits for the last.
    await database_sync_to_async(lambda: None)()
    await reset_runtime()


@pytest.fixture(autouse=True)
def fresh_login_throttle() -> None:
    """The login throttle counts in Django's cache, which outlives a test: start each at zero."""
    from django.core.cache import cache

    cache.clear()
