"""Tokens and what is derived from them: the only keys to a place, never shown or sent as is.

A token (a visitor's place, a room participant's seat) lives in the page and in the server's
state; handles shown to staff and channel-layer group names are HMACs of it under the
server's secret, so neither a page nor Redis can turn them back into the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# 128 bits, as DESIGN.md asks: unguessable for the life of a place.
TOKEN_BYTES = 16


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(purpose: bytes, token: str) -> str:
    """A hex HMAC of `token` for one `purpose` (a handle, a group name)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, purpose + token.encode(), hashlib.sha256).hexdigest()
