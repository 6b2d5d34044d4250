"""Websocket routes of the counselling desk."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
