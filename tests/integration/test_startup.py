"""A broken or unsafe configuration stops start-up with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.redis_server import free_port
from tests.sentinel_cluster import SentinelCluster

GOOD_KEY = "k" * 60


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `virtualcite check` in a clean environment plus `env`."""
    base = {key: value for key, value in os.environ.items()
            if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                           "REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "REDIS_PASSWORD",
                           "REDIS_SENTINEL_PASSWORD",
                           "DJANGO_SETTINGS_MODULE"}}
    base["VIRTUALCITE_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "virtualcite.cli", "check"],
        env={**base, **env}, capture_output=True, text=True, timeout=60,
    )


def assert_refused_with_one_line(result: subprocess.CompletedProcess[str], variable: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_production_without_secret_key_stops_with_one_line(tmp_path: Path) -> None:
    assert_refused_with_one_line(run_check(tmp_path), "SECRET_KEY")


def test_wildcard_allowed_hosts_stops_with_one_line(tmp_path: Path) -> None:
    result = run_check(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="*")
    assert_refused_with_one_line(result, "ALLOWED_HOSTS")


def test_unreachable_redis_stops_with_one_line(tmp_path: Path) -> None:
    result = run_check(tmp_path, DEBUG="1", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert_refused_with_one_line(result, "REDIS_URL")


def test_unreachable_database_stops_with_one_line(tmp_path: Path) -> None:
    url = f"postgres://nobody@127.0.0.1:{free_port()}/nothing"
    result = run_check(tmp_path, DEBUG="1", DATABASE_URL=url)
    assert_refused_with_one_line(result, "DATABASE_URL")


def test_embedded_default_passes_the_check(tmp_path: Path) -> None:
    result = run_check(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


@pytest.mark.redis
def test_reachable_redis_passes_the_check(tmp_path: Path, redis_url: str) -> None:
    result = run_check(tmp_path, DEBUG="1", REDIS_URL=redis_url)
    assert result.returncode == 0, result.stderr


def test_check_names_the_sentinels_it_cannot_reach(tmp_path: Path) -> None:
    sentinels = ",".join(f"127.0.0.1:{free_port()}" for _ in range(3))
    result = run_check(tmp_path, DEBUG="1", REDIS_SENTINELS=sentinels,
                       REDIS_SENTINEL_MASTER="virtualcite")
    assert_refused_with_one_line(result, "REDIS_SENTINELS")
    assert "primary 'virtualcite' of the sentinels" in result.stderr


@pytest.mark.redis
def test_check_passes_with_a_reachable_sentinel_primary(
    tmp_path: Path, sentinel_cluster: SentinelCluster
) -> None:
    result = run_check(tmp_path, DEBUG="1", **sentinel_cluster.env)
    assert result.returncode == 0, result.stderr
