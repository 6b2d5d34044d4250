"""Whether a committed change reached a replica before anyone is told of it.

Redis replicates asynchronously: a primary killed a millisecond after a commit can take the
commit with it, and the replica Sentinel promotes then holds an older desk than the one the
visitors were just shown ("you are third"). So with Sentinel each store commit is followed,
on the same connection, by `WAIT <replicas> <timeout>`, which returns once that many
replicas hold every write of the connection (its cost, measured: deploy/RUNBOOK.md, "Redis:
persistence and failover").

When no replica answers in time (the replica is down, or resyncing) the desk carries on, on
the primary alone: refusing every change would turn the loss of the replica into an outage,
the very single point of failure Sentinel is there to remove. That is said once in the log
and counted (`virtualcite_redis_unreplicated_commits`); while it lasts, commits skip the wait
except for one probe every `retry_after` seconds, so a dead replica does not add the timeout
to every change. The write is on the primary either way: Redis cannot take it back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from virtualcite.realtime.metrics import REDIS_UNREPLICATED

logger = logging.getLogger(__name__)

# A replica on the same network acknowledges in well under a millisecond (measured on
# loopback: deploy/RUNBOOK.md); a hundred times that is a replica in trouble, not a slow one.
DEFAULT_ACK_TIMEOUT_MS = 100
# While no replica acknowledges, probe again this often rather than on every commit.
DEFAULT_RETRY_AFTER = 5.0


class ReplicaAcks:
    """The replication wait of one process's commits, and whether it currently holds."""

    def __init__(self, *, replicas: int = 1, timeout_ms: int = DEFAULT_ACK_TIMEOUT_MS,
                 retry_after: float = DEFAULT_RETRY_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.replicas = replicas
        self.timeout_ms = timeout_ms
        self._retry_after = retry_after
        self._clock = clock
        self._degraded_until: float | None = None

    def wanted(self) -> bool:
        """Whether the next commit should wait for its replicas."""
        return self._degraded_until is None or self._clock() >= self._degraded_until

    def record(self, acknowledged: int) -> None:
        """Note how many replicas acknowledged a commit (WAIT's answer)."""
        if acknowledged >= self.replicas:
            if self._degraded_until is not None:
                logger.info("Redis replicas acknowledge commits again")
                self._degraded_until = None
            return
        REDIS_UNREPLICATED.inc()
        if self._degraded_until is None:
            logger.warning(
                "a store commit reached %d of %d Redis replica(s) within %d ms: carrying on "
                "without waiting, on the primary alone, until a replica acknowledges again",
                acknowledged, self.replicas, self.timeout_ms)
        self._degraded_until = self._clock() + self._retry_after
