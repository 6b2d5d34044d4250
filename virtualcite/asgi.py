"""The ASGI entry point: HTTP to Django, websockets to the desk's, the rooms' and the
managers' consumers.

Forwarding headers count only from a trusted proxy (virtualcite/proxy.py). Every websocket
route sits behind the allowed-hosts origin check; the visitor route also behind the
per-client socket cap (virtualcite/connection_cap.py). The staff route reads the Django
session at the handshake (chat/ws_urls.py), the visitor route never does.
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from chat.ws_urls import websocket_urlpatterns as desk_routes  # noqa: E402
from rooms.ws_urls import websocket_urlpatterns as room_routes  # noqa: E402
from virtualcite.access_log import RequestLog  # noqa: E402
from virtualcite.connection_cap import ClientSocketCap  # noqa: E402
from virtualcite.proxy import ForwardedHeaders  # noqa: E402
from virtualcite.staffing.ws_urls import websocket_urlpatterns as manager_routes  # noqa: E402


def anonymous_route(path: str) -> bool:
    """The routes without a login, capped per client address (the staff ones need no cap)."""
    return path == "/ws/visitor/" or (path.startswith("/ws/room/")
                                      and not path.endswith("/host/"))


# Outermost: every line logged while handling a request or a socket carries its log id.
application = RequestLog(ForwardedHeaders(
    ProtocolTypeRouter(
        {
            "http": django_application,
            "websocket": AllowedHostsOriginValidator(
                ClientSocketCap(URLRouter([*desk_routes, *room_routes, *manager_routes]),
                                limit=settings.MAX_SOCKETS_PER_CLIENT,
                                trusted=settings.TRUSTED_PROXIES, capped=anonymous_route)
            ),
        }
    ),
    trusted=settings.TRUSTED_PROXIES,
))

# What is loaded by now (Django, the apps, pydantic's frame schemas) lives as long as the
# process. Freezing it keeps every full garbage collection from walking it again: unfrozen,
# those passes stalled all sockets for 30-170 ms at 1,000 chat messages/s (docs/benchmarks.md).
gc.freeze()
