"""Library log lines lose the client's address before they are written (virtualcite/logs.py)."""

from __future__ import annotations

import json
import logging

from virtualcite.logs import JsonFormatter, NoClientAddress, mask_addresses


def test_ipv4_and_ipv6_literals_are_masked_and_other_colons_are_not() -> None:
    assert mask_addresses("HTTP GET request for ['203.0.113.7', 52144]") == \
        "HTTP GET request for ['[address]', 52144]"
    assert mask_addresses("<WebSocketProtocol client=['2001:db8::7', 5] path=b'/ws/'>") == \
        "<WebSocketProtocol client=['[address]', 5] path=b'/ws/'>"
    assert mask_addresses("at 12:30:45, version 1.2.3") == "at 12:30:45, version 1.2.3"


def format_through_the_filter(name: str, message: str, *args: object) -> dict[str, object]:
    record = logging.LogRecord(name, logging.DEBUG, __file__, 1, message, args, None)
    assert NoClientAddress().filter(record)
    entry: dict[str, object] = json.loads(JsonFormatter().format(record))
    return entry


def test_daphne_lines_are_masked_argument_by_argument() -> None:
    entry = format_through_the_filter("daphne.http_protocol", "HTTP %s request for %s", "GET",
                                      ["203.0.113.7", 52144])
    assert entry["message"] == "HTTP GET request for ['[address]', 52144]"


def test_a_traceback_from_daphne_is_masked_too() -> None:
    try:
        raise RuntimeError("peer 203.0.113.7 went away")
    except RuntimeError:
        import sys

        record = logging.LogRecord("daphne.server", logging.ERROR, __file__, 1, "failed", None,
                                   sys.exc_info())
    NoClientAddress().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert "203.0.113.7" not in entry["exception"]
    assert "RuntimeError: peer [address] went away" in entry["exception"]


def test_our_own_lines_are_left_as_they_are() -> None:
    # The Redis host in a start-up error is the operator's server, not a client.
    entry = format_through_the_filter("virtualcite.cli", "cannot reach Redis at 10.0.0.2:6379")
    assert entry["message"] == "cannot reach Redis at 10.0.0.2:6379"
