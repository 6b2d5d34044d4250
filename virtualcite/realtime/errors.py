"""Refusals: one class per way a request is refused, its code and its message beside it.

A refusal answers one frame with an `error` frame (docs/protocol.md, Errors) and leaves the
socket open. Each class carries its stable `code` and its `message` in English, marked for
translation and translated when the frame is built, in the client's language. The refusals
of every route's framing live here; an app adds its own classes (chat/errors.py) and the base
of its pure core's refusals (`register_refusals`), whose classes carry `code` and `message`
the same way without importing Django. `documented_codes` lists them all, once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from django.db import DatabaseError
from django.utils.translation import gettext
from redis.exceptions import RedisError

from virtualcite.realtime.protocol import Error
from virtualcite.realtime.store.errors import StoreError


def gettext_noop(message: str) -> str:
    """Mark `message` for translation (makemessages reads this name); it is translated when
    an error frame is built. Django's own needs the settings, and the frames' modules (which
    import the refusals) are imported without them by the benchmarks."""
    return message


_ = gettext_noop


class Refused(Exception):
    """Base of the refusals the realtime layer and the apps raise outside a pure core."""

    code: ClassVar[str]
    message: ClassVar[str]


class MalformedFrame(Refused):
    """Not JSON, no string `type`, a field wrong or unknown."""

    code = "malformed_frame"
    message = _("This request could not be read.")


class UnknownFrame(Refused):
    """A `type` this route does not accept."""

    code = "unknown_frame"
    message = _("This request is not understood here.")


class FrameTooLarge(Refused):
    code = "frame_too_large"
    message = _("This request is too large.")


class MessageTooLong(Refused):
    code = "message_too_long"
    message = _("Your message is too long; please split it.")


class EmptyMessage(Refused):
    """A text of only blanks or zero-width characters."""

    code = "empty_message"
    message = _("Your message is empty.")


class RateLimited(Refused):
    code = "rate_limited"
    message = _("You are sending too fast; please wait a moment.")


class HelloFirst(Refused):
    """Any frame before `hello`."""

    code = "hello_first"
    message = _("The connection is not ready yet.")


class Forbidden(Refused):
    """The staff member lacks the role (or the pole) for this frame."""

    code = "forbidden"
    message = _("You are not allowed to do this.")


class ServiceUnavailable(Refused):
    """The store, Redis or the database did not answer; nothing was changed, or it is unknown."""

    code = "service_unavailable"
    message = _("The service is briefly unavailable; your place is kept. Please try again.")


class InternalError(Refused):
    """A bug on the server's side; the socket stays open."""

    code = "internal_error"
    message = _("Something went wrong on our side; your place is kept. Please try again.")


class TooManyConnections(Refused):
    """One token open in too many tabs; followed by close code 4009."""

    code = "too_many_connections"
    message = _("This conversation is already open in too many tabs; please use one of them.")


Detail = Callable[[Any], "str | None"]
# Bases of the pure cores' refusals, with what adds the case's detail to their message.
_core_bases: dict[type[Exception], Detail | None] = {}


def register_refusals(base: type[Exception], *, detail: Detail | None = None) -> None:
    """Answer `base`'s subclasses (a pure core's refusals) with their own code and message.

    `detail` adds what changes with the case (when a closed pole opens), translated.
    """
    _core_bases[base] = detail


def refusal_classes() -> Iterator[type[Exception]]:
    """Every concrete refusal class: this module's, the apps', the cores'."""
    seen: set[type[Exception]] = set()
    stack: list[type[Exception]] = [Refused, *_core_bases]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                if "code" in vars(sub):
                    yield sub


def documented_codes() -> set[str]:
    """Every error code a client can receive (docs/protocol.md lists the same, a test checks)."""
    return {_declared(cls, "code") for cls in refusal_classes()}


def _declared(cls: type, name: str) -> str:
    """A refusal class's `code` or `message` (a core's classes are not `Refused`)."""
    return str(getattr(cls, name))


def error_frame(refusal: type[Exception] | Exception, *, frame_type: str | None = None,
                client_id: str | None = None) -> Error:
    """The `error` frame of a refusal (a class or an instance), in the active language."""
    cls = refusal if isinstance(refusal, type) else type(refusal)
    message = gettext(_declared(cls, "message"))
    if not isinstance(refusal, type):
        detail = next((d for base, d in _core_bases.items() if isinstance(refusal, base) and d),
                      None)
        if detail is not None and (extra := detail(refusal)):
            message = f"{message} {extra}"
    retry_at = getattr(refusal, "retry_at", None)
    return Error(code=_declared(cls, "code"), message=message, frame=frame_type,
                 client_id=client_id,
                 retry_after=None if retry_at is None else seconds_until(retry_at))


def seconds_until(retry_at: float) -> int:
    """Whole seconds from now until `retry_at` (epoch seconds), at least 1: a refusal that
    names when to retry (a room's slow mode) says it in `retry_after` and in its message."""
    return max(1, math.ceil(retry_at - time.time()))


def refusal_of(error: Exception) -> type[Exception] | Exception | None:
    """What to answer a handler's exception with, or None for a bug (answered internal_error).

    A backing service that failed is a "try again" (`service_unavailable`).
    """
    if isinstance(error, StoreError | RedisError | DatabaseError):
        return ServiceUnavailable
    if isinstance(error, (Refused, *_core_bases)):
        return error
    return None
