"""The ASGI entry point: HTTP to Django, websockets to the desk's consumers.

Every websocket route sits behind the allowed-hosts origin check; the staff route also reads
the Django session at the handshake (chat/routing.py), the visitor route never does.
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# What is loaded by now (Django, the apps, pydantic's frame schemas) lives as long as the
# process. Freezing it keeps every full garbage collection from walking it again: unfrozen,
# those passes stalled all sockets for 30-170 ms at 1,000 chat messages/s (docs/benchmarks.md).
gc.freeze()
