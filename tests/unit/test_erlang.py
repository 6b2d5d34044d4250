"""The staffing formulas against published tables, and their properties.

Published values:
- The classic Erlang C worked example of Call Centre Helper ("Erlang C formula, made simple":
  100 calls in 30 minutes, 180 s average handling time, 80 % answered within 20 s, so 10
  erlangs), as reproduced to seven digits in the README of the CRAN package ErlangC 0.1.0
  (https://stat.ethz.ch/CRAN/web/packages/ErlangC/readme/README.html) and of pyworkforce
  0.1.0 (https://pypi.org/project/pyworkforce/0.1.0/): 14 agents wait with probability
  0.1741319, answer 88.835 % within 20 s, 7.8359 s on average; 11 agents wait with
  probability 0.6821182 and answer 38.96138 %; 14 agents are needed for 80 %.
- Jones the Net, "Erlang uplift" (http://www.jonesthenet.com/budgeting/service-levels-erlang/
  erlang-uplift/): 250 calls an hour of 330 s, 80 % within 30 s, need 28 advisors.
- The Erlang B table (e.g. J. R. Boucher, Traffic System Design Handbook, IEEE Press 1993):
  10 lines carry 4.461 erlangs at 1 % blocking and 5.084 at 2 %; 30 lines 20.337 at 1 % and
  21.932 at 2 %. Erlang A tends to Erlang B when nobody waits (patience -> 0).

No table of Erlang A was found to cite: it is held to Erlang B and Erlang C at its limits and
to a brute-force computation of the same queue in between.
"""

from __future__ import annotations

import ast
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from virtualcite.staffing import erlang
from virtualcite.staffing.erlang import (
    agents_needed,
    average_speed_of_answer,
    erlang_a_agents_needed,
    erlang_a_service_level,
    erlang_a_wait_probability,
    erlang_b,
    erlang_c,
    service_level,
)

# Call Centre Helper's example: 100 calls per 30 minutes of 180 s each.
EXAMPLE = {"traffic": 10.0, "handle_seconds": 180.0}


def test_the_worked_example_with_14_agents() -> None:
    assert erlang_c(14, 10.0) == pytest.approx(0.1741319, abs=5e-8)
    assert service_level(servers=14, target_seconds=20, **EXAMPLE) == pytest.approx(
        0.88835, abs=5e-6)
    assert average_speed_of_answer(servers=14, **EXAMPLE) == pytest.approx(7.835937, abs=5e-6)


def test_the_worked_example_with_11_agents() -> None:
    assert erlang_c(11, 10.0) == pytest.approx(0.6821182, abs=5e-8)
    assert service_level(servers=11, target_seconds=20, **EXAMPLE) == pytest.approx(
        0.3896138, abs=5e-8)


def test_the_worked_example_needs_14_agents_for_80_percent_in_20_seconds() -> None:
    assert agents_needed(target_seconds=20, level=0.8, **EXAMPLE) == 14


def test_250_calls_an_hour_of_330_seconds_need_28_advisors_for_80_percent_in_30_seconds(
) -> None:
    assert agents_needed(traffic=250 * 330 / 3600, handle_seconds=330, target_seconds=30,
                         level=0.8) == 28


@pytest.mark.parametrize(("lines", "traffic", "blocking"), [
    (10, 4.461, 0.01), (10, 5.084, 0.02), (30, 20.337, 0.01), (30, 21.932, 0.02)])
def test_erlang_b_matches_the_table(lines: int, traffic: float, blocking: float) -> None:
    # The table gives the traffic to three decimals: the blocking is right to that precision.
    assert erlang_b(lines, traffic) == pytest.approx(blocking, abs=2e-5)


@pytest.mark.parametrize(("lines", "traffic", "blocking"), [(10, 4.461, 0.01), (30, 21.932, 0.02)])
def test_without_patience_erlang_a_is_the_loss_system(lines: int, traffic: float,
                                                       blocking: float) -> None:
    """Visitors who find every server busy leave at once: Erlang B's table again."""
    kwargs = {"servers": lines, "traffic": traffic, "handle_seconds": 180.0,
              "patience_seconds": 1e-6}
    assert erlang_a_wait_probability(**kwargs) == pytest.approx(blocking, abs=2e-5)
    assert erlang_a_service_level(target_seconds=20, **kwargs) == pytest.approx(
        1 - blocking, abs=2e-5)


def test_an_overloaded_desk_has_everyone_waiting_and_no_service_level() -> None:
    assert erlang_c(10, 10.0) == 1.0
    assert service_level(servers=9, target_seconds=20, **EXAMPLE) == 0.0
    assert average_speed_of_answer(servers=10, **EXAMPLE) == math.inf
    # Impatience makes any desk stable: some are still answered.
    assert 0 < erlang_a_service_level(servers=9, patience_seconds=60, target_seconds=20,
                                      **EXAMPLE) < 1


def test_large_traffic_is_computed_without_overflow() -> None:
    """Factorials of 5,000 would overflow a float; the recursion does not."""
    needed = agents_needed(traffic=5000.0, handle_seconds=180, target_seconds=20, level=0.8)
    assert 5000 < needed < 5100
    level = service_level(servers=needed, traffic=5000.0, handle_seconds=180, target_seconds=20)
    assert 0.8 <= level < 1
    assert 0 < erlang_a_wait_probability(servers=1000, traffic=1000.0, handle_seconds=180,
                                         patience_seconds=300) < 1


def test_inputs_outside_the_formulas_are_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        agents_needed(traffic=1.0, handle_seconds=60, target_seconds=20, level=1.0)
    with pytest.raises(ValueError, match="traffic"):
        erlang_c(3, -1.0)
    with pytest.raises(ValueError, match="handle_seconds"):
        service_level(servers=3, traffic=1.0, handle_seconds=0, target_seconds=20)


def test_the_formulas_use_only_the_standard_library() -> None:
    """Pure arithmetic: the tables above can be checked without Django or a database."""
    for node in ast.walk(ast.parse(Path(erlang.__file__).read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] in sys.stdlib_module_names, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in sys.stdlib_module_names, alias.name


# --- properties -------------------------------------------------------------------------------

traffics = st.floats(min_value=0.01, max_value=60.0)
handles = st.floats(min_value=30.0, max_value=3600.0)
targets = st.floats(min_value=0.0, max_value=900.0)
patiences = st.floats(min_value=1.0, max_value=7200.0)
levels = st.floats(min_value=0.05, max_value=0.99)


@given(traffic=traffics, handle=handles, target=targets, extra=st.integers(0, 40))
def test_the_service_level_grows_with_the_agents(traffic: float, handle: float, target: float,
                                                 extra: int) -> None:
    servers = math.floor(traffic) + 1 + extra
    fewer = service_level(servers=servers, traffic=traffic, handle_seconds=handle,
                          target_seconds=target)
    more = service_level(servers=servers + 1, traffic=traffic, handle_seconds=handle,
                         target_seconds=target)
    assert 0 <= fewer <= more + 1e-12 <= 1 + 1e-12


@given(traffic=traffics, handle=handles, target=targets, patience=patiences,
       servers=st.integers(1, 80))
def test_erlang_a_service_level_grows_with_the_agents(traffic: float, handle: float,
                                                      target: float, patience: float,
                                                      servers: int) -> None:
    def level(n: int) -> float:
        return erlang_a_service_level(servers=n, traffic=traffic, handle_seconds=handle,
                                      patience_seconds=patience, target_seconds=target)
    assert 0 <= level(servers) <= level(servers + 1) + 1e-9 <= 1 + 1e-9


@given(traffic=traffics, handle=handles, target=targets, extra=st.integers(0, 30))
def test_erlang_a_with_infinite_patience_is_erlang_c(traffic: float, handle: float,
                                                     target: float, extra: int) -> None:
    servers = math.floor(traffic) + 1 + extra
    common = {"servers": servers, "traffic": traffic, "handle_seconds": handle}
    assert erlang_a_service_level(patience_seconds=math.inf, target_seconds=target,
                                  **common) == service_level(target_seconds=target, **common)
    assert erlang_a_wait_probability(patience_seconds=math.inf,
                                     **common) == erlang_c(servers, traffic)


@given(traffic=traffics, handle=handles, target=targets, extra=st.integers(0, 30))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(traffic: float, handle: float,
                                                      target: float, extra: int) -> None:
    """Erlang A's own series, with visitors who (almost) never give up, give Erlang C's
    closed form: the two computations share nothing but Erlang B."""
    servers = math.ceil(traffic + 0.5) + extra  # mean waits below 2 handle times
    common = {"servers": servers, "traffic": traffic, "handle_seconds": handle}
    assert erlang_a_service_level(patience_seconds=1e12, target_seconds=target, **common
                                  ) == pytest.approx(service_level(target_seconds=target,
                                                                   **common), abs=1e-6)
    assert erlang_a_wait_probability(patience_seconds=1e12, **common) == pytest.approx(
        erlang_c(servers, traffic), abs=1e-6)


@given(traffic=st.floats(0.05, 15.0), servers=st.integers(1, 25),
       handle=st.floats(60.0, 1800.0), patience=st.floats(10.0, 3000.0),
       target=st.floats(0.0, 600.0))
def test_erlang_a_agrees_with_a_brute_force_computation(
        traffic: float, servers: int, handle: float, patience: float, target: float) -> None:
    level, waits = brute_force_erlang_a(servers, traffic, handle, patience, target)
    assert erlang_a_service_level(servers=servers, traffic=traffic, handle_seconds=handle,
                                  patience_seconds=patience, target_seconds=target
                                  ) == pytest.approx(level, abs=1e-9)
    assert erlang_a_wait_probability(servers=servers, traffic=traffic, handle_seconds=handle,
                                     patience_seconds=patience) == pytest.approx(waits, abs=1e-9)


def brute_force_erlang_a(servers: int, traffic: float, handle: float, patience: float,
                         target: float) -> tuple[float, float]:
    """(service level, P(wait)) of M/M/N+M the long way: the stationary probabilities of the
    birth-death chain one state at a time, and each queued arrival's chance of being answered
    within the target by uniformising its own chain (position k: k ahead, who advance at
    N mu + j theta, while it gives up at theta)."""
    mu, theta = 1 / handle, 1 / patience
    lam = traffic * mu
    p = [1.0]
    for j in range(1, servers + 1):
        p.append(p[-1] * lam / (j * mu))
    k = 0
    while k < 10 or p[-1] > 1e-18 * max(p) or servers * mu + k * theta <= lam:
        k += 1
        p.append(p[-1] * lam / (servers * mu + k * theta))
    total = math.fsum(p)
    mass = [w / total for w in p[servers:]]
    advance = [servers * mu + k * theta for k in range(len(mass))]
    leave = [rate + theta for rate in advance]
    uniform = leave[-1]
    mean = uniform * target
    level = math.fsum(p[:servers]) / total
    answered = 0.0
    for n in range(1, math.ceil(mean + 10 * math.sqrt(mean) + 30) if mean > 0 else 1):
        answered += mass[0] * advance[0] / uniform
        mass = [mass[k] * (1 - leave[k] / uniform)
                + (mass[k + 1] * advance[k + 1] / uniform if k + 1 < len(mass) else 0.0)
                for k in range(len(mass))]
        level += answered * math.exp(n * math.log(mean) - mean - math.lgamma(n + 1))
    return level, math.fsum(p[servers:]) / total


@given(traffic=traffics, handle=handles, target=targets, level=levels)
def test_the_agents_needed_are_more_than_the_traffic_and_the_fewest_that_reach_the_level(
        traffic: float, handle: float, target: float, level: float) -> None:
    needed = agents_needed(traffic=traffic, handle_seconds=handle, target_seconds=target,
                           level=level)
    assert needed > traffic
    assert service_level(servers=needed, traffic=traffic, handle_seconds=handle,
                         target_seconds=target) >= level
    assert needed - 1 <= traffic or service_level(
        servers=needed - 1, traffic=traffic, handle_seconds=handle,
        target_seconds=target) < level


@given(traffic=traffics, handle=handles, target=targets, patience=patiences, level=levels)
def test_erlang_a_agents_needed_are_the_fewest_that_reach_the_level(
        traffic: float, handle: float, target: float, patience: float, level: float) -> None:
    needed = erlang_a_agents_needed(traffic=traffic, handle_seconds=handle,
                                    patience_seconds=patience, target_seconds=target,
                                    level=level)

    def reached(n: int) -> float:
        return erlang_a_service_level(servers=n, traffic=traffic, handle_seconds=handle,
                                      patience_seconds=patience, target_seconds=target)
    assert reached(needed) >= level
    assert needed == 1 or reached(needed - 1) < level
