"""The managers' staffing pages, under the language prefix (/fr/manage/...)."""

from django.urls import URLPattern, path

from virtualcite.staffing import rota_views, views

app_name = "staffing"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("rota/", rota_views.rota, name="rota"),
    path("rota/shifts/new/", rota_views.shift_new, name="rota-shift-new"),
    path("rota/shifts/<int:pk>/", rota_views.shift_edit, name="rota-shift-edit"),
    path("rota/shifts/<int:pk>/delete/", rota_views.shift_delete, name="rota-shift-delete"),
    path("rota/copy/", rota_views.week_copy, name="rota-copy"),
]
