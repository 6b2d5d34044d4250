"""Daphne runs with every limit at the edge set, and a frozen peer goes within the desk's 25 s."""

from __future__ import annotations

from chat.core.model import DeskConfig
from chat.presence import MAINTAIN_SECONDS
from virtualcite import cli
from virtualcite.realtime.limits import (
    CONNECTION_TTL_SECONDS,
    HEARTBEAT_SECONDS,
    HELLO_TIMEOUT_SECONDS,
)


def test_a_dead_socket_is_dropped_within_the_desks_own_liveness() -> None:
    # Daphne pings after PING_INTERVAL of silence, checked every DAPHNE_CHECK_SECONDS, then
    # drops the socket PING_TIMEOUT later without a pong (daphne/ws_protocol.py check_timeouts).
    worst_case = cli.PING_INTERVAL_SECONDS + cli.DAPHNE_CHECK_SECONDS + cli.PING_TIMEOUT_SECONDS
    assert worst_case <= CONNECTION_TTL_SECONDS
    # A page that pings on time is never pinged by daphne.
    assert cli.PING_INTERVAL_SECONDS > HEARTBEAT_SECONDS


def test_a_frozen_counsellors_visitors_go_back_to_the_queue_within_25_seconds() -> None:
    # Dropped by daphne, then what is left of the lease, then the next maintenance step.
    dropped = cli.PING_INTERVAL_SECONDS + cli.DAPHNE_CHECK_SECONDS + cli.PING_TIMEOUT_SECONDS
    requeued = dropped + DeskConfig().dropped_lease + MAINTAIN_SECONDS
    assert requeued <= 25.0
    # And another tab's maintenance step renews the lease before that rest runs out.
    assert DeskConfig().dropped_lease > MAINTAIN_SECONDS


def test_no_handshake_waits_longer_than_a_hello() -> None:
    assert cli.WEBSOCKET_HANDSHAKE_TIMEOUT_SECONDS <= HELLO_TIMEOUT_SECONDS
    assert cli.WEBSOCKET_CONNECT_TIMEOUT_SECONDS <= HELLO_TIMEOUT_SECONDS


def test_the_served_daphne_gets_every_timeout() -> None:
    server = cli._daphne_server("127.0.0.1", 8000)
    assert server.websocket_handshake_timeout == cli.WEBSOCKET_HANDSHAKE_TIMEOUT_SECONDS
    assert server.websocket_connect_timeout == cli.WEBSOCKET_CONNECT_TIMEOUT_SECONDS
    assert server.ping_interval == cli.PING_INTERVAL_SECONDS
    assert server.ping_timeout == cli.PING_TIMEOUT_SECONDS
    assert server.websocket_timeout == cli.WEBSOCKET_MAX_AGE_SECONDS
    assert server.http_timeout == cli.HTTP_TIMEOUT_SECONDS
    assert server.application_close_timeout == cli.APPLICATION_CLOSE_TIMEOUT_SECONDS
    assert server.websocket_max_message_size == cli.WEBSOCKET_MAX_MESSAGE_BYTES
    assert server.verbosity <= 1  # twisted's own log, which names peers, goes nowhere
