"""The ASGI entry point: HTTP to Django, websockets to the desk's consumers.

Every websocket route sits behind the allowed-hosts origin check; staff routes also get the
Django session (AuthMiddlewareStack) so consumers can authenticate at the handshake.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
