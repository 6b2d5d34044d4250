"""One JSON object per log line: easy to ship, and never a message text or a client address."""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed through `extra=` and is kept.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

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
        record.msg, record.args = mask_addresses(record.getMessage()), None
        if record.exc_info:
            record.exc_text = mask_addresses(logging.Formatter().formatException(record.exc_info))
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
            "message": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:  # already formatted (and masked) by NoClientAddress
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)
