from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from frontend.views import UnprefixedLoginView
from rooms.views import agenda_ics
from virtualcite.health import healthz, readyz
from virtualcite.metrics_view import metrics


def no_favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon (the admin's): nothing, not 404."""
    return HttpResponse(status=204)


urlpatterns = [
    path("favicon.ico", no_favicon),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # The staff login as documented (docs/protocol.md): a POST here must not be redirected.
    path("login/", UnprefixedLoginView.as_view(), name="login-unprefixed"),
    # A calendar application subscribes to one address, whatever the page's language.
    path("rooms/agenda.ics", agenda_ics, name="rooms-agenda-ics"),
    # The language is in the URL (/fr/..., /en/...), never in a cookie: an unprefixed page
    # redirects to the visitor's browser language.
    *i18n_patterns(path("", include("frontend.urls")), path("rooms/", include("rooms.urls")),
                   path("manage/", include("virtualcite.staffing.urls")),
                   path("manage/reports/", include("virtualcite.figures.urls"))),
]
