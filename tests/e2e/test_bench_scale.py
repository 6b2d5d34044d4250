"""The scale benchmarks (docs/benchmarks.md) run from a plain checkout, here at a tiny size.

`bench.burst` (joins across two processes on one Redis), `bench.sockets idle` and
`bench.sockets storm` (a server killed and started again under its sockets) start their own
redis-server and servers. What a reader of the figures would check is asserted: every visitor
answered and offered, every socket back with its place; the timings are never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> str:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    done = subprocess.run([sys.executable, "-m", *args], cwd=REPOSITORY, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def table_rows(output: str, first_cell: str) -> list[list[str]]:
    """The rows of the closing table (each row is also printed once measured)."""
    lines = [line for line in output.splitlines() if line.startswith(f"| {first_cell} |")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in dict.fromkeys(lines)]


def test_the_burst_benchmark_answers_and_offers_every_visitor_across_two_processes() -> None:
    output = run_bench("bench.burst", "--visitors", "6", "--counsellors", "6",
                       "--processes", "2")
    row = table_rows(output, "2")[-1]
    # processes, visitors, counsellors, 3 queued, 3 offer, offered, unanswered, errors, ...
    assert row[1:3] == ["6", "6"] and row[9:12] == ["6", "0", "0"], output


def test_the_idle_socket_benchmark_reports_each_count() -> None:
    output = run_bench("bench.sockets", "idle", "--counts", "5,10", "--seconds", "1")
    assert [row[1] for row in table_rows(output, "embedded")] == ["5", "10"], output


def test_the_storm_benchmark_brings_every_socket_back_to_its_place() -> None:
    output = run_bench("bench.sockets", "storm", "--sockets", "10")
    [row] = table_rows(output, "10")
    # sockets, signal, serving, all back, half back, back, resumed, lost, refused, server CPU,
    # pages CPU, load
    assert row[5:8] == ["10", "10", "0"], output
