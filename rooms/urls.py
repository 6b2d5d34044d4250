"""The rooms' pages, under the language prefix (/fr/rooms/...); the feed: virtualcite/urls.py."""

from django.urls import path

from rooms import views

app_name = "rooms"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("<slug:slug>/", views.room, name="room"),
    path("<slug:slug>/host/", views.host, name="host"),
]
