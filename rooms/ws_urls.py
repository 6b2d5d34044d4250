"""The rooms' websocket routes (docs/protocol.md, Rooms)."""

from __future__ import annotations

from django.urls import path

from rooms.consumers.facilitator import FacilitatorSocket
from rooms.consumers.participant import ParticipantSocket
from virtualcite.realtime.staff_auth import StaffSessionAuth

websocket_urlpatterns = [
    path("ws/room/<slug:slug>/", ParticipantSocket.as_asgi()),
    path("ws/room/<slug:slug>/host/", StaffSessionAuth(FacilitatorSocket.as_asgi())),
]
