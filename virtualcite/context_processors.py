"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_links(request: HttpRequest) -> dict[str, list[tuple[str, str, str]]]:
    """This page in the other languages: plain links, so switching sets no cookie."""
    current = get_language()
    return {"language_links": [
        (code, get_language_info(code)["name_local"], translate_url(request.path, code))
        for code, _name in settings.LANGUAGES if code != current
    ]}
