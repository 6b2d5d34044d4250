"""The managers' reports, under the language prefix (/fr/manage/reports/...)."""

from django.urls import path

app_name = "figures"

urlpatterns: list = [
]
