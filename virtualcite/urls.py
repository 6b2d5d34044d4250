from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from virtualcite.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # The language is in the URL (/fr/..., /en/...), never in a cookie: an unprefixed page
    # redirects to the visitor's browser language.
    *i18n_patterns(path("", include("frontend.urls"))),
]
