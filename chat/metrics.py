"""The desk's Prometheus metrics: its live load read at scrape time, its offers counted.

The load (queue length, longest wait, counsellors online and available, conversations, per
pole) is read from the desk state once per scrape (`desk_load_collector`), never kept: it is
the same in every process, so any one process's /metrics tells it. The offers are counted by
`OfferMetrics`, a handler of the desk's events (chat/apps.py): each process counts the
offers its own changes made, so their sum over processes is the desk's.

The only label is the pole's slug, from the directory: never a token, a handle or a name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

from chat.core import events as ev
from chat.core.model import DeskState
from chat.core.queries import PoleLoad
from chat.runtime import desk_runtime
from chat.selectors import pole_loads

OFFERS_MADE = Counter("virtualcite_offers_made", "Visitors offered to a counsellor, by pole.",
                      ["pole"])
OFFERS_TIMED_OUT = Counter("virtualcite_offers_timed_out",
                           "Offers a counsellor let time out, by pole.", ["pole"])

# Gauge name, help, and the PoleLoad figure it shows.
_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("virtualcite_pole_queue_length", "Visitors in the pole's queue, offered ones included.",
     "waiting"),
    ("virtualcite_pole_longest_wait_seconds",
     "Seconds the pole's longest-waiting visitor has waited.", "longest_wait"),
    ("virtualcite_pole_counsellors_online", "Counsellors on shift for the pole.",
     "counsellors_online"),
    ("virtualcite_pole_counsellors_available",
     "Counsellors taking offers with a free slot now.", "counsellors_available"),
    ("virtualcite_pole_conversations", "Running conversations of the pole.", "conversations"),
)


class DeskLoadCollector:
    """A prometheus_client collector of loads read beforehand (a collector's `collect` is
    synchronous, the desk's store is not)."""

    def __init__(self, loads: Mapping[str, PoleLoad], open_poles: Set[str] = frozenset()) -> None:
        self.loads = loads
        self.open_poles = open_poles

    def collect(self) -> Iterator[Metric]:
        for name, documentation, figure in _GAUGES:
            family = GaugeMetricFamily(name, documentation, labels=["pole"])
            for slug, load in sorted(self.loads.items()):
                family.add_metric([slug], float(getattr(load, figure)))
            yield family
        # The alerts' "nobody available" only matters while the pole is open.
        opened = GaugeMetricFamily("virtualcite_pole_open", "1 while the pole is open.",
                                   labels=["pole"])
        for slug in sorted(self.loads):
            opened.add_metric([slug], 1.0 if slug in self.open_poles else 0.0)
        yield opened


async def desk_load_collector() -> DeskLoadCollector:
    """The collector of every active pole's load now: one read of the desk state (the
    directory's poles are cached, chat/directory.py)."""
    policies = await desk_runtime().directory.policies()
    return DeskLoadCollector(await pole_loads(policies),
                             frozenset(slug for slug, policy in policies.items()
                                       if policy.is_open))


class OfferMetrics:
    """Counts offers made and timed out (registered after the publisher, chat/apps.py)."""

    def capture(self, key: str, state: DeskState, events: Sequence[ev.Event],
                now: float) -> list[str]:
        # An expired offer names its visitor only: their pole is read from the state.
        return [ticket.pole for event in events if isinstance(event, ev.OfferExpired)
                if (ticket := state.tickets.get(event.token)) is not None]

    async def handle(self, key: str, events: Sequence[ev.Event], captured: list[str]) -> None:
        for event in events:
            if isinstance(event, ev.OfferMade):
                OFFERS_MADE.labels(pole=event.pole).inc()
        for pole in captured:
            OFFERS_TIMED_OUT.labels(pole=pole).inc()
