"""Response headers Django has no setting for: the Permissions-Policy of every page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

# Browser features no page of the desk uses: each is denied to the page and to any frame. The
# chat is written, so not even the microphone; the desk asks nobody where they are. Only
# names Chromium knows: an unknown one is a console warning on every page.
DENIED_FEATURES = (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation",
    "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Adds `Permissions-Policy` to every response (the admin's too); sync and async capable
    through MiddlewareMixin, so it costs no thread hop under daphne."""

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
