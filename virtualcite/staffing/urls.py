"""The managers' staffing pages, under the language prefix (/fr/manage/...)."""

from django.urls import path

app_name = "staffing"

urlpatterns: list = [
]
