"""A private Redis Sentinel deployment for tests: one primary, one replica, three sentinels.

All on loopback ports of their own, each in its own directory under the test's tmp, and run
the way deploy/RUNBOOK.md ("Redis: persistence and failover") tells an operator to: no RDB
snapshot, no AOF, replication over the socket on both ends, so the only files any of them
writes are its log and, for a sentinel, its own configuration (Sentinel rewrites it with
what it learns: replicas, peers, epochs; Sentinel state, not data).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import redis

from tests.redis_server import free_port
from tests.waiting import wait_for, wait_for_exit

MASTER_NAME = "virtualcite"
# Quick detection for a test (production: deploy/RUNBOOK.md recommends 5000 and 10000). A
# failover the sentinels fail to elect a leader for (a split vote) is retried after twice
# the failover timeout: 6 s here, inside the store's 15 s of retries.
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 3000
QUORUM = 2
SENTINELS = 3
# Files a node may write: its log; a sentinel also its configuration.
LOG_NAME = "redis.log"
SENTINEL_CONFIG_NAME = "sentinel.conf"


def require_sentinel() -> tuple[str, str]:
    """The redis-server and redis-sentinel executables, or skip the test saying what to install."""
    server, sentinel = shutil.which("redis-server"), shutil.which("redis-sentinel")
    if server is None:
        raise RuntimeError("redis-server is not installed: run `sudo apt-get install "
                           "redis-server` (bash .ci/run does it for you)")
    if sentinel is None:
        pytest.skip("redis-sentinel is not installed: run `sudo apt-get install redis-sentinel` "
                    "(bash .ci/run does it for you)")
    return server, sentinel


class _Node:
    """One redis-server or redis-sentinel process, in a directory of its own."""

    def __init__(self, directory: Path, port: int, password: str | None) -> None:
        self.directory = directory
        self.port = port
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True)

    def spawn(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password,
                           socket_timeout=2, socket_connect_timeout=2)

    def answers(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        self.process.send_signal(sig)
        wait_for_exit(self.process, timeout=10)
        self.process = None


class SentinelCluster:
    """A primary, a replica and three sentinels on loopback; the test may kill the primary."""

    def __init__(self, directory: Path, *, password: str | None = None,
                 sentinel_password: str | None = None) -> None:
        """`password` protects the primary and the replica, `sentinel_password` the sentinels."""
        self._server, self._sentinel = require_sentinel()
        self.directory = directory
        self.password = password
        self.sentinel_password = sentinel_password
        self.primary = _Node(directory / "primary", free_port(), password)
        self.replica = _Node(directory / "replica", free_port(), password)
        self.sentinels = [_Node(directory / f"sentinel-{index}", free_port(), sentinel_password)
                          for index in range(SENTINELS)]

    @property
    def addresses(self) -> str:
        """REDIS_SENTINELS for this cluster."""
        return ",".join(f"127.0.0.1:{node.port}" for node in self.sentinels)

    @property
    def env(self) -> dict[str, str]:
        """What a service started on this cluster gets in its environment."""
        env = {"REDIS_SENTINELS": self.addresses, "REDIS_SENTINEL_MASTER": MASTER_NAME}
        if self.password:
            env["REDIS_PASSWORD"] = self.password
        if self.sentinel_password:
            env["REDIS_SENTINEL_PASSWORD"] = self.sentinel_password
        return env

    def start(self) -> None:
        self._start_server(self.primary)
        self._start_server(self.replica, "--replicaof", "127.0.0.1", str(self.replica_of()))
        wait_for(lambda: self.replication(self.replica).get("master_link_status") == "up",
                 what="the replica to sync with the primary")
        for node in self.sentinels:
            config = node.directory / SENTINEL_CONFIG_NAME
            config.write_text("\n".join([
                f"port {node.port}",
                "bind 127.0.0.1",
                f"dir {node.directory}",
                f"logfile {node.directory / LOG_NAME}",
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.primary.port} {QUORUM}",
                f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}",
                f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MS}",
                f"sentinel parallel-syncs {MASTER_NAME} 1",
                *([f"sentinel auth-pass {MASTER_NAME} {self.password}"] if self.password else []),
                # Also the password each sentinel gives its peers.
                *([f"requirepass {self.sentinel_password}"] if self.sentinel_password else []),
                "",
            ]))
            node.spawn([self._sentinel, str(config)])
        # A failover needs each sentinel to know the replica and its two peers (they find each
        # other through the primary, every two seconds).
        wait_for(self._sentinels_ready, what="three sentinels watching the primary and replica",
                 timeout=30)

    def replica_of(self) -> int:
        return self.primary.port

    def _start_server(self, node: _Node, *extra: str) -> None:
        node.spawn([
            self._server,
            "--port", str(node.port),
            "--bind", "127.0.0.1",
            "--dir", str(node.directory),
            "--logfile", str(node.directory / LOG_NAME),
            # Nothing on disk (deploy/RUNBOOK.md): no snapshot, no AOF, and replication
            # streamed over the socket on both ends instead of through an RDB file.
            "--save", "",
            "--appendonly", "no",
            "--repl-diskless-sync", "yes",
            "--repl-diskless-sync-delay", "0",
            "--repl-diskless-load", "swapdb",
            *(("--requirepass", self.password, "--masterauth", self.password)
              if self.password else ()),
            *extra,
        ])
        wait_for(node.answers, what=f"redis-server on port {node.port}")

    def _sentinels_ready(self) -> bool:
        for node in self.sentinels:
            try:
                with node.client() as client:
                    master = client.sentinel_master(MASTER_NAME)
            except redis.RedisError:
                return False
            if master["num-slaves"] < 1 or master["num-other-sentinels"] < SENTINELS - 1:
                return False
        return True

    def replication(self, node: _Node) -> dict[str, str]:
        """INFO replication of `node`, as text."""
        with node.client() as client:
            info = client.info("replication")
        return {str(key): str(value) for key, value in info.items()}

    def master_port_seen_by_sentinels(self) -> set[int | None]:
        ports: set[int | None] = set()
        for node in self.sentinels:
            try:
                with node.client() as client:
                    address = client.sentinel_get_master_addr_by_name(MASTER_NAME)
                ports.add(int(address[1]) if address else None)
            except redis.RedisError:
                ports.add(None)
        return ports

    def kill_primary(self) -> None:
        """SIGKILL the primary: no shutdown, no last write, as a lost host."""
        self.primary.stop(signal.SIGKILL)

    def wait_for_promotion(self) -> None:
        """Until every sentinel names the replica as primary and the replica says so too."""
        wait_for(lambda: self.master_port_seen_by_sentinels() == {self.replica.port},
                 what="the sentinels to promote the replica", timeout=30)
        wait_for(lambda: self.replication(self.replica).get("role") == "master",
                 what="the replica to become the primary")

    def restart_old_primary(self) -> None:
        """Start the killed primary again, empty (nothing on disk), as an operator would; the
        sentinels make it a replica of the new primary, which streams it the data."""
        self._start_server(self.primary)
        wait_for(lambda: self.replication(self.primary).get("master_link_status") == "up",
                 what="the sentinels to make the old primary a replica of the new one",
                 timeout=30)
        # Linked is not yet acknowledging: the first WAIT after a resync may time out.
        wait_for(lambda: self._acknowledged(self.replica),
                 what="the rejoined replica to acknowledge writes")

    def _acknowledged(self, primary: _Node) -> bool:
        with primary.client() as client:
            client.set("sentinel-cluster:probe", "1", px=60_000)
            return int(client.wait(1, 100)) >= 1

    def files_written(self) -> dict[str, list[str]]:
        """Every file in every node's directory, by node directory name."""
        return {node.directory.name: sorted(path.name for path in node.directory.iterdir())
                for node in (self.primary, self.replica, *self.sentinels)}

    def data_files(self) -> list[Path]:
        """Files other than the logs and the sentinels' configuration: none are allowed."""
        allowed = {LOG_NAME, SENTINEL_CONFIG_NAME}
        return [path for node in (self.primary, self.replica, *self.sentinels)
                for path in node.directory.iterdir() if path.name not in allowed]

    def every_file(self) -> list[Path]:
        return [path for path in self.directory.rglob("*") if path.is_file()]

    def stop(self) -> None:
        for node in (*self.sentinels, self.replica, self.primary):
            node.stop()
