"""Queueing formulas for staffing a desk: Erlang C (M/M/N) and Erlang A (M/M/N+M).

Pure arithmetic, standard library only, so the staffing advice can be checked against the
published tables without a database. Visitors arrive at random (Poisson), a conversation
lasts an exponential time of mean `handle_seconds`, `servers` serve one visitor each, in
arrival order; `traffic` is the offered load in erlangs (arrivals per second x mean handle
time). Erlang A adds impatience: each waiting visitor gives up after an exponential patience of
mean `patience_seconds`.

Nothing here raises factorials or powers of the traffic: Erlang C is derived from Erlang B's
recursion, which stays within [0, 1] for any traffic, and Erlang A's queue weights are summed
in logarithms, so a thousand erlangs compute as well as one.

The service level is the share of arrivals answered within `target_seconds`: at once, or
after a wait of at most that long. In Erlang A a visitor who gives up is not answered.
"""

from __future__ import annotations

import math

# Erlang A's series terms below this fraction of the largest are dropped (e**-46 ~ 1e-20):
# far below anything a service level shows.
_NEGLIGIBLE_LOG = -46.0
# The series' terms rise up to about (arrivals - departures with every server busy) x patience,
# a queue no real desk reaches: an extreme input is cut here rather than summed for ever.
_MAX_POSITIONS = 100_000


def erlang_b(servers: int, traffic: float) -> float:
    """The blocking probability of an M/M/N/N loss system, by the stable recursion
    B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1))."""
    _check(servers=servers, traffic=traffic)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(servers: int, traffic: float) -> float:
    """The probability that an arrival waits (all servers busy), C = N B / (N - A (1 - B));
    1 when the servers cannot keep up (N <= A: the queue grows without bound)."""
    _check(servers=servers, traffic=traffic)
    if traffic == 0:
        return 0.0
    if servers <= traffic:
        return 1.0
    blocking = erlang_b(servers, traffic)
    return servers * blocking / (servers - traffic * (1 - blocking))


def service_level(*, servers: int, traffic: float, handle_seconds: float,
                  target_seconds: float) -> float:
    """Erlang C's P(wait <= target) = 1 - C exp(-(N - A) target / handle)."""
    _check(servers=servers, traffic=traffic, handle_seconds=handle_seconds,
           target_seconds=target_seconds)
    waits = erlang_c(servers, traffic)
    if waits >= 1.0:
        return 0.0
    return 1.0 - waits * math.exp(-(servers - traffic) * target_seconds / handle_seconds)


def average_speed_of_answer(*, servers: int, traffic: float, handle_seconds: float) -> float:
    """Erlang C's mean wait, C x handle / (N - A); infinite when the servers cannot keep up."""
    _check(servers=servers, traffic=traffic, handle_seconds=handle_seconds)
    waits = erlang_c(servers, traffic)
    if waits >= 1.0:
        return math.inf
    return waits * handle_seconds / (servers - traffic)


def agents_needed(*, traffic: float, handle_seconds: float, target_seconds: float,
                  level: float) -> int:
    """The fewest servers whose Erlang C service level reaches `level` (a share, 0 < level
    < 1); always more than the traffic, and 0 without any."""
    _check(traffic=traffic, handle_seconds=handle_seconds, target_seconds=target_seconds,
           level=level)
    if traffic == 0:
        return 0
    servers = math.floor(traffic) + 1
    while service_level(servers=servers, traffic=traffic, handle_seconds=handle_seconds,
                        target_seconds=target_seconds) < level:
        servers += 1
    return servers


def erlang_a_wait_probability(*, servers: int, traffic: float, handle_seconds: float,
                              patience_seconds: float) -> float:
    """The probability that an arrival finds every server busy in M/M/N+M."""
    _check(servers=servers, traffic=traffic, handle_seconds=handle_seconds,
           patience_seconds=patience_seconds)
    return _erlang_a(servers, traffic, handle_seconds, patience_seconds, target_seconds=None)


def erlang_a_service_level(*, servers: int, traffic: float, handle_seconds: float,
                           patience_seconds: float, target_seconds: float) -> float:
    """The share of arrivals answered within `target_seconds` in M/M/N+M (those who give up
    first are not); with an infinite patience, Erlang C's service level."""
    _check(servers=servers, traffic=traffic, handle_seconds=handle_seconds,
           patience_seconds=patience_seconds, target_seconds=target_seconds)
    return _erlang_a(servers, traffic, handle_seconds, patience_seconds,
                     target_seconds=target_seconds)


def erlang_a_agents_needed(*, traffic: float, handle_seconds: float, patience_seconds: float,
                           target_seconds: float, level: float) -> int:
    """The fewest servers whose Erlang A service level reaches `level`.

    With impatient visitors this may be fewer than the traffic: those who give up free the
    queue for the others (the answer then counts on their leaving, which the level allows).
    The level grows with the servers, so the answer is bisected; below `level x traffic` no
    count can reach the level (the answered share is at most 1 - B(N, A) <= N / A).
    """
    _check(traffic=traffic, handle_seconds=handle_seconds, patience_seconds=patience_seconds,
           target_seconds=target_seconds, level=level)
    if traffic == 0:
        return 0

    def enough(servers: int) -> bool:
        return erlang_a_service_level(servers=servers, traffic=traffic,
                                      handle_seconds=handle_seconds,
                                      patience_seconds=patience_seconds,
                                      target_seconds=target_seconds) >= level

    low = max(1, math.floor(level * traffic))  # the answer is at least this
    if enough(low):
        return low
    high = low + max(1, math.ceil(math.sqrt(traffic)))
    while not enough(high):
        low, high = high, 2 * high
    while high - low > 1:  # not enough(low), enough(high)
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high


# --- Erlang A ---------------------------------------------------------------------------------

def _erlang_a(servers: int, traffic: float, handle_seconds: float, patience_seconds: float,
              *, target_seconds: float | None) -> float:
    """P(wait) when `target_seconds` is None, else the service level.

    With arrival rate lambda, service rate mu, abandonment rate theta, b = N mu / theta and
    x = lambda / theta, the chance of finding k queued relative to finding exactly N in the
    system is q_k = x**k / ((b+1)...(b+k)), whose sum is Q = T(b, x) (`_log_series`); the
    chance of finding fewer than N, relative to the same, is (1 - B) / B with B Erlang B's
    blocking. So P(wait) = B Q / (1 - B + B Q).

    An arrival finding k queued is first in line after k advances at rates N mu + j theta,
    and gives up at theta meanwhile. Summed over k with the weights q_k, the density of being
    answered at s is N mu exp(-(N mu + theta) s + x (1 - exp(-theta s))); its integral up to t
    (Mandelbaum and Zeltyn's incomplete gamma functions, written with the same series) is
    (b / x) (Q - 1) - b / (b + 1) V**(b+1) exp(x (1 - V)) T(b + 1, x V), with V = exp(-theta t).
    Dividing by Q gives the share of the queued answered within t.
    """
    if traffic == 0:
        return 0.0 if target_seconds is None else 1.0
    if math.isinf(patience_seconds):
        if target_seconds is None:
            return erlang_c(servers, traffic)
        return service_level(servers=servers, traffic=traffic, handle_seconds=handle_seconds,
                             target_seconds=target_seconds)
    if servers == 0:
        return 1.0 if target_seconds is None else 0.0
    blocking = erlang_b(servers, traffic)
    if blocking == 0.0:  # far more servers than traffic: B underflowed, nobody waits
        return 0.0 if target_seconds is None else 1.0
    theta = 1.0 / patience_seconds
    b = servers / (handle_seconds * theta)
    x = traffic / (handle_seconds * theta)
    log_q = _log_series(b, x)
    # P(wait) = 1 / (1 + (1 - B) / (B Q)), in logarithms: Q may be astronomically large.
    log_ratio = math.log1p(-blocking) - math.log(blocking) - log_q
    waits = 1.0 / (1.0 + math.exp(min(log_ratio, 700.0)))
    if target_seconds is None:
        return waits
    eventually = (b / x) * -math.expm1(-log_q)  # (b / x) (1 - 1 / Q)
    decay = theta * target_seconds
    log_late = (math.log(b / (b + 1)) - (b + 1) * decay + x * -math.expm1(-decay)
                + _log_series(b + 1, x * math.exp(-decay)) - log_q)
    answered = min(1.0, max(0.0, eventually - math.exp(min(log_late, 700.0))))
    return (1.0 - waits) + waits * answered


def _log_series(s: float, z: float) -> float:
    """log T(s, z), T(s, z) = sum over k >= 0 of z**k / ((s+1)(s+2)...(s+k)).

    The terms rise while z > s + k, then fall faster than any geometric series: they are
    summed, in logarithms, until negligible beside the largest.
    """
    logs = [0.0]
    peak = 0.0
    for k in range(1, _MAX_POSITIONS + 1):
        step = math.log(z / (s + k)) if z > 0 else -math.inf
        value = logs[-1] + step
        if value == -math.inf:
            break
        logs.append(value)
        peak = max(peak, value)
        if step < 0 and value < peak + _NEGLIGIBLE_LOG:
            break
    return peak + math.log(math.fsum(math.exp(v - peak) for v in logs))


def _check(**values: float) -> None:
    """Refuse inputs outside the formulas' domain, naming them."""
    for name, value in values.items():
        if math.isnan(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, not {value}")
    if values.get("handle_seconds", 1.0) <= 0 or values.get("patience_seconds", 1.0) <= 0:
        raise ValueError("handle_seconds and patience_seconds must be positive")
    if "level" in values and not 0 < values["level"] < 1:
        raise ValueError(f"level must be a share between 0 and 1, not {values['level']}")
