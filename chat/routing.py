"""Websocket routes of the counselling desk (see docs/protocol.md)."""

from django.urls import path

from chat.consumers.counsellor import CounsellorSocket
from chat.consumers.visitor import VisitorSocket

websocket_urlpatterns = [
    path("ws/visitor/", VisitorSocket.as_asgi()),
    path("ws/counsellor/", CounsellorSocket.as_asgi()),
]
