"""Page views: they only read through selectors and render templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.selectors import pole_cards_list


def home(request: HttpRequest) -> HttpResponse:
    """The lobby: every active pole with its hours and whether it is open now."""
    return render(request, "frontend/home.html", {"poles": pole_cards_list()})
