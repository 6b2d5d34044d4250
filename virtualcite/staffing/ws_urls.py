"""The managers' websocket route (docs/protocol.md, Managers)."""

from __future__ import annotations

from django.urls import path

from virtualcite.realtime.staff_auth import StaffSessionAuth
from virtualcite.staffing.consumers import ManagerSocket

websocket_urlpatterns = [
    path("ws/manage/", StaffSessionAuth(ManagerSocket.as_asgi())),
]
