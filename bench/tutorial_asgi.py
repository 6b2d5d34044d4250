"""A tiny ASGI app serving only the tutorial consumer, for daphne:

    BENCH_CHANNEL_LAYER=memory|redis://127.0.0.1:P/0 \
        daphne -b 127.0.0.1 -p N bench.tutorial_asgi:application

`memory` is Channels' in-memory layer; a redis URL selects channels_redis's pub/sub layer.
"""

from __future__ import annotations

import os

from django.conf import settings

_LAYER = os.environ.get("BENCH_CHANNEL_LAYER", "memory")

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-tutorial-" + "x" * 50,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={"default": (
            {"BACKEND": "channels.layers.InMemoryChannelLayer"} if _LAYER == "memory" else
            {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
             "CONFIG": {"hosts": [_LAYER]}})},
    )

import django  # noqa: E402

django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from bench.tutorial_consumer import TutorialChatConsumer  # noqa: E402

application = ProtocolTypeRouter({
    "websocket": URLRouter([
        re_path(r"^ws/chat/(?P<room_name>\w+)/$", TutorialChatConsumer.as_asgi()),
    ]),
})
