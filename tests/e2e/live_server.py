"""A real `virtualcite serve` process on a free port, as a newcomer or an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.served import wait_served
from tests.redis_server import free_port
from tests.waiting import wait_for_exit

# The variables a test must not inherit from the developer's shell.
_CONTROLLED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "REDIS_SENTINELS",
               "REDIS_SENTINEL_MASTER", "REDIS_PASSWORD",
               "REDIS_SENTINEL_PASSWORD", "DJANGO_SETTINGS_MODULE",
               "VIRTUALCITE_DATA_DIR"}


class LiveServer:
    """One daphne process started through the `virtualcite` command, logging to a file."""

    def __init__(self, data_dir: Path, *, redis_url: str | None = None, demo: bool = True,
                 debug: bool = True, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.log_path = data_dir / f"serve-{self.port}.log"
        env = {key: value for key, value in os.environ.items() if key not in _CONTROLLED}
        env.update(VIRTUALCITE_DATA_DIR=str(data_dir), DEBUG="1" if debug else "0")
        if not debug:
            env["SECRET_KEY"] = "e2e-secret-" + "s" * 50
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.update(extra_env or {})
        self.env = env
        self.demo = demo
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """What starts the server (a subclass may start another entry point on `self.port`)."""
        command = [sys.executable, "-m", "virtualcite.cli", "serve", "--port", str(self.port)]
        if self.demo:
            command.append("--demo")
        return command

    def start(self, timeout: float = 60.0) -> None:
        command = self.command()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        process = self.process
        wait_served(self.port, alive=lambda: process.poll() is None, log=self.log_path,
                    path="/healthz", timeout=timeout)

    def seed(self, script: str) -> None:
        """Before `start`: load the demo, then run `script` (Python, Django set up by it) in
        the server's own environment, e.g. to add accounts the demo lacks."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "virtualcite.settings"}
        subprocess.run([sys.executable, "-m", "virtualcite.cli", "demo"], env=env, check=True,
                       capture_output=True)
        subprocess.run([sys.executable, "-c", script], env=env, check=True)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        wait_for_exit(self.process, timeout=15)
        self.process = None

    def kill(self) -> None:
        """Die like a lost host: no disconnect handlers run."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_two_daphnes(tmp_path: Path, redis_url: str | None,
                      extra_env: dict[str, str] | None = None) -> tuple[LiveServer, LiveServer]:
    """Two processes on one Redis, the second without loading the demo again (no `redis_url`:
    `extra_env` names the Redis, e.g. Sentinel's variables).

    One data directory: they share the database and the secret key, as in a deployment
    (channel-layer group names are HMACs under that key).
    """
    first = LiveServer(tmp_path, redis_url=redis_url, extra_env=extra_env)
    first.start()
    second = LiveServer(tmp_path, redis_url=redis_url, demo=False, extra_env=extra_env)
    second.start()
    return first, second
