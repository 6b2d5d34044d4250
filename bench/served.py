"""Waiting for a server process just started to answer: the benchmarks' and the live tests'.

Here rather than in tests/, since a benchmark must run without the test suite.
"""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path


def wait_served(port: int, *, alive: Callable[[], bool], log: Path, path: str | None = None,
                timeout: float = 60.0) -> None:
    """Return once 127.0.0.1:`port` accepts a connection (with `path`: answers it with 200);
    raise with the process's log if it exits first, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')}")
        try:
            if path is None:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            else:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as r:
                    if r.status == 200:
                        return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer in {timeout}s:\n"
                       f"{log.read_text(errors='replace')}")
