"""Debian's nginx in front of test daphnes, run from the shipped deploy/nginx.conf.

The config under test is the one deployed: `render` copies deploy/nginx.conf and changes only
what a test machine must (the upstream servers, the listen address, the pid file and the temp
directories, which the packaged defaults put where a test may not write) and adds one header,
`X-Upstream`, naming the daphne that served each request or websocket, so that a test can see
the routing without asking the service. Every location, proxy and websocket directive is the
shipped one; `render` fails loudly when the shipped file no longer has the shape it edits.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from tests.redis_server import free_port
from tests.waiting import wait_for, wait_for_exit

SHIPPED = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
EXECUTABLE = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
MISSING = ("nginx is not installed: run `sudo apt-get install nginx` "
           "(bash .ci/run does it for you)")
# The test-only header: which upstream served (after a retry, every address nginx tried).
UPSTREAM_HEADER = "X-Upstream"
# Compose's replicas are re-resolved by name (`resolve`, nginx 1.27.3+); a test names ports.
_SERVER = r"^(\s*)server app:\d+ resolve (?P<params>[^;]*);$"


def _replace_once(pattern: str, replacement: str, text: str) -> str:
    new, count = re.subn(pattern, lambda _: replacement, text, flags=re.MULTILINE)
    if count != 1:
        raise AssertionError(f"deploy/nginx.conf changed shape: {pattern!r} matched {count}x")
    return new


def render(upstream_ports: list[int], port: int, directory: Path) -> str:
    """deploy/nginx.conf for a test: upstreams on `upstream_ports`, listening on `port`."""
    text = SHIPPED.read_text()
    server = re.search(_SERVER, text, flags=re.MULTILINE)
    if server is None:
        raise AssertionError("deploy/nginx.conf changed shape: no `server app:... resolve` line")
    indent, params = server.group(1), server.group("params")
    servers = "\n".join(f"{indent}server 127.0.0.1:{upstream} {params};"
                        for upstream in upstream_ports)
    text = _replace_once(_SERVER, servers, text)
    text = _replace_once(r"^pid \S+;$", f"pid {directory / 'nginx.pid'};", text)
    text = _replace_once(r"^(\s*)listen 80;$", f"        listen 127.0.0.1:{port};", text)
    temp_paths = "".join(f"    {kind}_temp_path {directory / kind};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = _replace_once(r"^http \{\n", "http {\n" + temp_paths, text)
    return _replace_once(r"^(\s*)location / \{\n",
                         "        location / {\n"
                         f"            add_header {UPSTREAM_HEADER} $upstream_addr always;\n",
                         text)


class NginxServer:
    """One nginx master (and its workers) in the foreground, logging into its directory.

    The shipped config logs to stdout (access) and stderr (errors): both go to files here,
    `access.log` and `error.log`, so a test reads exactly what an operator's log collector gets.
    """

    def __init__(self, directory: Path, upstream_ports: list[int]) -> None:
        if EXECUTABLE is None:
            raise RuntimeError(MISSING)
        self.directory = directory
        self.port = free_port()
        self.config_path = directory / "nginx.conf"
        self.config_path.write_text(render(upstream_ports, self.port, directory))
        self.access_log = directory / "access.log"
        self.error_log = directory / "error.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert EXECUTABLE is not None
        # -e: nginx writes to its compiled-in error log before it reads the config.
        command = [EXECUTABLE, "-p", str(self.directory), "-c", str(self.config_path),
                   "-e", str(self.error_log), "-g", "daemon off;"]
        with self.access_log.open("ab") as out, self.error_log.open("ab") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err)
        process = self.process
        wait_for(lambda: process.poll() is not None or self._answers(), what="nginx to listen")
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start: {self.error_log.read_text()}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Fast shutdown (SIGTERM): open websockets are closed, logs flushed."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        wait_for_exit(self.process, timeout=10)
        self.process = None

    def logs(self) -> str:
        """Everything nginx wrote: its access lines and its error lines."""
        return self.access_log.read_text(errors="replace") + self.error_log.read_text(
            errors="replace")
