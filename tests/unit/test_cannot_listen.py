"""What `virtualcite serve` says when it cannot listen (a taken port: tests/e2e/test_serve.py)."""

from __future__ import annotations

import errno

from twisted.internet.error import CannotListenError

from virtualcite.cli import DEFAULT_PORT, cannot_listen


def failure(host: str, port: int, code: int, reason: str) -> CannotListenError:
    return CannotListenError(host, port, OSError(code, reason))


def test_a_privileged_port_says_to_serve_on_a_higher_one() -> None:
    message = cannot_listen("0.0.0.0", 80, failure("0.0.0.0", 80, errno.EACCES, "denied"))
    assert message.startswith("port 80 on 0.0.0.0 is not allowed for this user")
    assert f"make run PORT={DEFAULT_PORT}" in message


def test_any_other_failure_is_told_as_the_system_tells_it() -> None:
    error = failure("192.0.2.1", 8000, errno.EADDRNOTAVAIL, "Cannot assign requested address")
    assert cannot_listen("192.0.2.1", 8000, error) == (
        "cannot listen on port 8000 on 192.0.2.1: "
        f"[Errno {errno.EADDRNOTAVAIL}] Cannot assign requested address")
