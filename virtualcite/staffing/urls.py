"""The managers' staffing pages, under the language prefix (/fr/manage/...)."""

from django.urls import path

from virtualcite.staffing import views

app_name = "staffing"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
