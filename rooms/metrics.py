"""The rooms' Prometheus gauges: each running room's seats and waiting list, read at scrape time.

Like the desk's load (chat/metrics.py) it is read from the shared state once per scrape and
never kept, so any one process's /metrics tells it. The labels are the room's slug and pole
from the directory, never a participant's token or name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from prometheus_client.core import GaugeMetricFamily, Metric

from rooms.overview import RunningRoom, running_rooms

# Gauge name, help, and the RunningRoom figure it shows.
_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("virtualcite_room_seated", "Participants seated in the running room.", "seated"),
    ("virtualcite_room_waiting", "People waiting for a seat in the running room.", "waiting"),
    ("virtualcite_room_capacity", "Seats of the running room.", "capacity"),
)


class RoomLoadCollector:
    """A prometheus_client collector of the rooms read beforehand (the stores are async)."""

    def __init__(self, rooms: Sequence[RunningRoom]) -> None:
        self.rooms = rooms

    def collect(self) -> Iterator[Metric]:
        for name, documentation, figure in _GAUGES:
            family = GaugeMetricFamily(name, documentation, labels=["room", "pole"])
            for room in sorted(self.rooms, key=lambda room: room.slug):
                family.add_metric([room.slug, room.pole], float(getattr(room, figure)))
            yield family


async def room_load_collector() -> RoomLoadCollector:
    """The collector of the rooms running now (one store read per room of the directory)."""
    return RoomLoadCollector(await running_rooms())
