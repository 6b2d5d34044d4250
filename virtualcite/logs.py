"""One JSON object per log line: easy to ship, and never a message text or a client address.

Exceptions are where frame content slips into a log: a pydantic `ValidationError` quotes the
input it refused (`input_value=` shows the start and the end of a raw frame, that is the chat
text), names the keys a client sent (`loc`) and repeats an unknown `type` tag. So a validation
error is never rendered from its own text, wherever it appears: as the logged exception, as the
cause or context of another one, or as an argument of the message. It is summarised by its
error types, which are pydantic's fixed vocabulary. Any other text goes through `redact`, which
removes what pydantic's renderings quote, should such a text have been built into a message or
another exception beforehand.

Every line logged while the service handles an HTTP request carries its `request_id`, every
line logged while it handles a websocket its `connection_id` (set at the ASGI edge,
virtualcite/access_log.py, and kept by the tasks it starts): random ids made for the log
alone, which tie a connection's lines together and say nothing of who is behind it.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import logging
import re
import secrets
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

# Set at the ASGI edge for the request or socket being handled, inherited by every task it
# starts (asyncio copies the context); None outside one (a periodic task, start-up).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None)
connection_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "connection_id", default=None)


def new_log_id() -> str:
    """A random id for the log only: 48 bits tell a day's connections apart, and it is
    derived from nothing (not a token, not an address)."""
    return secrets.token_hex(6)


class LogContext(logging.Filter):
    """Adds the current `request_id` or `connection_id` to every record logged under one."""

    def filter(self, record: logging.LogRecord) -> bool:
        for var in (request_id, connection_id):
            value = var.get()
            if value is not None:
                setattr(record, var.name, value)
        return True

# Attributes every LogRecord has; anything else was passed through `extra=` and is kept.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

WITHHELD = "<withheld>"
# `str(ValidationError)` built into a text: its header, then per error a location (which names
# the keys a client sent), a message (which may repeat a client's `type` tag) and the quoted
# input, each error closed by a link to pydantic's documentation. Everything from the header
# to the last such link (or to the end of the text, when links are turned off) is replaced.
_HEADER = r"(?P<count>\d+) validation errors? for (?P<title>\S+)"
_RENDERED_ERRORS = (
    re.compile(_HEADER + r"(?P<body>.*errors\.pydantic\.dev/\S+)", re.DOTALL),
    re.compile(_HEADER + r"(?P<body>.*)", re.DOTALL),
)
_ERROR_TYPE = re.compile(r"\[type=(\w+)")
# Other renderings that quote an input: `ValidationError.errors()` printed as dicts, and the
# loose `input_value=` or tag of a partial rendering. Each runs to the end of its line
# (greedy), so a value that contains a fake end marker is withheld whole.
_QUOTED_INPUT = (
    # `loc` names the keys a client sent; what follows it on the line (msg, input) goes too.
    (re.compile(r"""(['"])loc\1: .*"""), f"'loc': {WITHHELD}"),
    (re.compile(r"""(['"])input\1: .*"""), f"'input': {WITHHELD}"),
    (re.compile(r"input_value=.*"), f"input_value={WITHHELD}"),
    (re.compile(r"Input tag .* found using"), f"Input tag {WITHHELD} found using"),
)


class ProbeAnswers(logging.Filter):
    """Drops Django's error line for a `/readyz` answered 503: not ready (a drain, a Redis
    away) is the probe's expected answer, asked every few seconds, and the cause is logged
    where it happens (the drain's start, the Redis errors); one line per probe would bury it."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not (record.name == "django.request" and getattr(record, "status_code", None) == 503
                    and getattr(request, "path", None) == "/readyz")


def redact(text: str) -> str:
    """`text` without anything that a pydantic rendering inside it quotes of a client's input."""
    def summary(match: re.Match[str]) -> str:
        # Worded like `describe`, and unlike pydantic, so that a summary is never redacted again.
        kinds = sorted(set(_ERROR_TYPE.findall(match["body"])))
        return (f"{match['count']} validation error(s) for {match['title']} "
                f"({', '.join(kinds)}); the input is withheld")

    for rendered in _RENDERED_ERRORS:
        text, found = rendered.subn(summary, text)
        if found:
            break
    for pattern, replacement in _QUOTED_INPUT:
        text = pattern.sub(replacement, text)
    return text


def describe(error: BaseException) -> str:
    """`Type: message` of an exception, as safe to log as the code that raised it."""
    name = type(error).__qualname__
    module = type(error).__module__
    if module not in {"builtins", "__main__"}:
        name = f"{module}.{name}"
    if isinstance(error, ValidationError):
        kinds = sorted({str(detail["type"]) for detail in error.errors(
            include_url=False, include_context=False, include_input=False)})
        return (f"{name}: {error.error_count()} validation error(s) for {error.title} "
                f"({', '.join(kinds)}); the input is withheld")
    text = str(error)
    return f"{name}: {redact(text)}" if text else name


def format_exception(error: BaseException) -> str:
    """A traceback like Python's (causes and contexts first), with every message `describe`d."""
    # From the logged exception back to the first cause; each entry carries the sentence that
    # Python prints after it, before the exception raised while handling it.
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current = current.__cause__
            link = "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current = current.__context__
            link = "During handling of the above exception, another exception occurred:"
        else:
            current = None
    parts: list[str] = []
    for exception, sentence in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        # Frames show file, line, function and source code: nothing a client sent.
        parts.extend(traceback.format_tb(exception.__traceback__))
        parts.append(describe(exception) + "\n")
        if sentence:
            parts.append(f"\n{sentence}\n\n")
    return "".join(parts).rstrip("\n")


def safe_value(value: object) -> object:
    """An `extra` field or a message argument, with exceptions described and text redacted."""
    if isinstance(value, BaseException):
        return describe(value)
    if isinstance(value, str):
        return redact(value)
    return value


def safe_message(record: logging.LogRecord) -> str:
    """The record's message, its arguments made safe before they are interpolated."""
    args: Any = record.args
    if isinstance(args, Mapping):
        args = {key: safe_value(value) for key, value in args.items()}
    elif isinstance(args, tuple):
        args = tuple(safe_value(value) for value in args)
    message = str(record.msg)
    if args:
        try:
            message = message % args
        except (TypeError, ValueError):  # a malformed call: show its parts, still made safe
            message = f"{message} {args!r}"
    return redact(message)


# Libraries that write the peer's address into their lines: daphne at DEBUG on every request
# and socket ("HTTP GET request for ['203.0.113.7', 52144]"), and in warnings through the
# protocol's repr; twisted and asyncio name transports. Our own loggers never get one.
ADDRESS_LOGGERS = ("daphne", "twisted", "asyncio", "axes", "django.channels")
MASK = "[address]"
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# Candidates only: each is checked with `ipaddress`, so "12:30:45" stays as it is.
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.%\w]*")


def mask_addresses(text: str) -> str:
    """`text` with every IPv4 and IPv6 literal replaced by MASK."""
    text = _IPV4.sub(MASK, text)
    return _IPV6.sub(lambda m: MASK if _is_ipv6(m.group(0)) else m.group(0), text)


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate.split("%", 1)[0])
    except ValueError:
        return False
    return True


class NoClientAddress(logging.Filter):
    """Masks addresses in the lines of ADDRESS_LOGGERS, message and traceback alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(ADDRESS_LOGGERS):
            return True
        record.msg, record.args = mask_addresses(safe_message(record)), None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted here (redacted, then masked): the formatter only sees the text.
            record.exc_text = mask_addresses(format_exception(record.exc_info[1]))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_addresses(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with its time, level, logger, message and `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": safe_message(record),
        }
        entry.update(
            (key, safe_value(value))
            for key, value in vars(record).items()
            if key not in _STANDARD_ATTRIBUTES
        )
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = format_exception(record.exc_info[1])
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=lambda value: redact(str(value)), ensure_ascii=False)

    def formatException(self, ei: Any) -> str:
        """Also safe when another part of logging asks this formatter for a traceback."""
        error = ei[1] if isinstance(ei, tuple) and len(ei) > 1 else None
        return format_exception(error) if isinstance(error, BaseException) else ""
