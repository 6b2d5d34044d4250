"""Websocket routes of the counselling desk (see docs/protocol.md).

Visitors are anonymous: their route reads no cookie and no session. The counsellor route
learns the Django user once, at the handshake (virtualcite/realtime/staff_auth.py).
"""

from django.urls import path

from chat.consumers.counsellor import CounsellorSocket
from chat.consumers.visitor import VisitorSocket
from virtualcite.realtime.staff_auth import StaffSessionAuth

websocket_urlpatterns = [
    path("ws/visitor/", VisitorSocket.as_asgi()),
    path("ws/counsellor/", StaffSessionAuth(CounsellorSocket.as_asgi())),
]
