"""The per-process singletons of the live desk, put back to a fresh process's state.

In-process tests (Channels' communicator) share one Python process, and with it the module
singletons a server process holds for its whole life: a test must not see the sockets, the
pending lobby figures or the channel-layer groups of the one before it.
"""

from __future__ import annotations

from channels.layers import channel_layers
from django.conf import settings
from django.utils import translation

from chat.alerting import alert_watch
from chat.lobby import lobby_figures
from chat.presence import presence
from rooms.presence import presence as room_presence
from virtualcite.realtime.fanout import layer_health, local_groups
from virtualcite.staffing.advice import advisor
from virtualcite.staffing.alerts import alert_thresholds


def reset_process_state() -> None:
    """Forget what the previous test's sockets left in this process.

    The desk runtime (its store) and the presence's maintenance task belong to an event loop:
    the `live_desk` fixture stops them in its own loop (`reset_runtime`, `presence.stop`).
    """
    local_groups.clear()
    layer_health.trouble_at = None
    lobby_figures.reset()
    alert_watch.reset()
    alert_thresholds.invalidate()  # read from the previous test's database
    advisor.clear()
    presence.clear()
    room_presence.clear()
    # The in-memory layer keeps its groups and queued messages: a new one is built on next use.
    channel_layers.backends.clear()
    # A request served by the test client leaves its language active in the thread, as
    # Django's LocaleMiddleware does not put it back: a new process speaks the default.
    translation.activate(settings.LANGUAGE_CODE)
