"""The managers' live dashboard page; its figures come over `/ws/manage/`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.views import SOCKET_TIMING
from virtualcite.manager_access import manager_required


@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "staffing/dashboard.html", {"socket_timing": SOCKET_TIMING})
