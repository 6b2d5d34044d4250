"""`/metrics`: this process's Prometheus metrics, for the operator's scraper only.

Served to a request carrying `Authorization: Bearer <OPERATOR_TOKEN>` (as /readyz's details,
virtualcite/health.py) or coming from one of `METRICS_ALLOWED_NETWORKS`; anyone else gets a
404, as if there were nothing here. The client's address is the one virtualcite/proxy.py
believes: through a trusted proxy, the forwarded client, never the proxy itself (else a proxy
on the same host would open /metrics to the whole Internet).

Each daphne process serves its own counters (sockets, frames, mutations, Redis errors, loop
lag, the offers its changes made): Prometheus scrapes every process (every pod). The desk's
load and the running rooms are read from the shared state at scrape time (chat/metrics.py,
rooms/metrics.py); either failing leaves only its own gauges out.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from redis.exceptions import RedisError

from chat.metrics import desk_load_collector
from rooms.metrics import room_load_collector
from virtualcite.health import has_operator_token
from virtualcite.proxy import client_address, is_trusted
from virtualcite.realtime.metrics import loop_lag
from virtualcite.realtime.store.errors import StoreError

logger = logging.getLogger(__name__)


async def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text exposition of this process, or 404 to anyone else."""
    if not may_scrape(request):
        raise Http404
    loop_lag.ensure_running()
    body = generate_latest(REGISTRY)
    for part, collector in (("desk", desk_load_collector), ("rooms", room_load_collector)):
        try:
            shared = CollectorRegistry(auto_describe=False)
            shared.register(await collector())
            body += generate_latest(shared)
        except (StoreError, RedisError, DatabaseError) as error:
            # The process's own figures still go out: the Redis errors among them say why
            # the shared ones are missing. The type only, as everywhere (a driver's message
            # may quote).
            logger.warning("the %s load is left out of /metrics: %s", part,
                           type(error).__name__)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def may_scrape(request: HttpRequest) -> bool:
    """The operator's bearer token, or a client in one of METRICS_ALLOWED_NETWORKS."""
    if has_operator_token(request):
        return True
    networks = settings.METRICS_ALLOWED_NETWORKS
    scope = getattr(request, "scope", None)
    if not networks or scope is None:
        return False
    # The same test as a trusted proxy's: an IP literal inside one of the networks.
    return is_trusted(client_address(scope, settings.TRUSTED_PROXIES), networks)
