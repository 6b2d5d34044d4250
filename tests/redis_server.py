"""A private redis-server for tests: started on a free port, stoppable and restartable.

Tests never touch the machine's shared Redis: fault tests must be able to kill and restart
the server under a running service, which only works on a server the test owns.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.waiting import wait_for_exit


def free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process owned by the test session."""

    def __init__(self, directory: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError(
                "redis-server is not installed: run `sudo apt-get install redis-server` "
                "(bash .ci/run does it for you)"
            )
        self.executable = executable
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def rdb_path(self) -> Path:
        return self.directory / "dump.rdb"

    def start(self) -> None:
        """Start the server (again) on the same port and data directory; wait until it answers."""
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--dbfilename", "dump.rdb",
                # Snapshots only when a test asks (SAVE): the state must survive a restart
                # through the shutdown save below, and the privacy test inspects the RDB file.
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self, *, save: bool = True) -> None:
        """Stop the server; with `save` it writes its snapshot first, as a clean shutdown does."""
        if self.process is None:
            return
        if save:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"SHUTDOWN SAVE\r\n")
            except OSError:
                pass
        else:
            self.process.kill()
        wait_for_exit(self.process, timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop(save=True)
        self.start()
