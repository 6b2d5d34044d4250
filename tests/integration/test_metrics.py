"""`/metrics`: refused without the operator's token, served with it, and moving with the desk.

Real consumers over Channels' communicator and the real view (Django's AsyncClient, on the
same event loop, so it reads the same in-memory desk).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import AsyncIterator

import pytest
from django.test import AsyncClient, override_settings
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.people import counsellor, refused, waiting_visitor
from tests.integration.room_people import ROOM, facilitator, participant, seated, with_capacity
from virtualcite.realtime.metrics import loop_lag

OPERATOR_TOKEN = "metrics-" + "t" * 40
AUTHORISED = {"authorization": f"Bearer {OPERATOR_TOKEN}"}
# What a token, a handle or a pseudonym looks like: long runs of letters and digits, or an
# address; a label value of a fixed vocabulary (a route, a pole's slug, a code) is neither.
# A token or an HMAC: 20 or more URL-safe characters, one at least a digit or a capital (an
# error code such as `too_many_connections` is as long, in lower-case words); an address; a
# blank (text).
SECRET_LOOKING = re.compile(r"(?=[\w-]*[A-Z0-9])[A-Za-z0-9_\-]{20,}|\d+\.\d+\.\d+\.\d+|\s")

pytestmark = pytest.mark.usefixtures("live_desk")


@pytest.fixture(autouse=True)
async def operator_token() -> AsyncIterator[None]:
    with override_settings(OPERATOR_TOKEN=OPERATOR_TOKEN, METRICS_ALLOWED_NETWORKS=()):
        yield
    await loop_lag.stop()


async def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by name and labels."""
    response = await AsyncClient().get("/metrics", headers=AUTHORISED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_are_refused_without_the_operator_token() -> None:
    client = AsyncClient()
    assert (await client.get("/metrics")).status_code == 404
    wrong = await client.get("/metrics", headers={"authorization": "Bearer not-the-token"})
    assert wrong.status_code == 404
    assert (await client.get("/metrics", headers=AUTHORISED)).status_code == 200


async def test_metrics_are_refused_to_everyone_when_no_token_is_configured() -> None:
    with override_settings(OPERATOR_TOKEN=None):
        response = await AsyncClient().get("/metrics", headers={"authorization": "Bearer "})
    assert response.status_code == 404


async def test_a_client_of_an_allowed_network_reads_the_metrics_without_the_token() -> None:
    # Django's test client comes from 127.0.0.1.
    with override_settings(METRICS_ALLOWED_NETWORKS=(ipaddress.ip_network("127.0.0.0/8"),)):
        assert (await AsyncClient().get("/metrics")).status_code == 200
    with override_settings(METRICS_ALLOWED_NETWORKS=(ipaddress.ip_network("10.0.0.0/8"),)):
        assert (await AsyncClient().get("/metrics")).status_code == 404


async def test_behind_a_trusted_proxy_the_forwarded_client_is_judged_not_the_proxy() -> None:
    loopback = (ipaddress.ip_network("127.0.0.0/8"),)
    with override_settings(METRICS_ALLOWED_NETWORKS=loopback, TRUSTED_PROXIES=loopback):
        public = await AsyncClient().get("/metrics", headers={"x-forwarded-for": "203.0.113.7"})
        assert public.status_code == 404
        inside = await AsyncClient().get("/metrics", headers={"x-forwarded-for": "127.0.0.9"})
        assert inside.status_code == 200


async def test_a_visitor_joining_and_a_counsellor_accepting_move_the_gauges_and_counters(
) -> None:
    before = await scrape()
    staff = await counsellor("camille", ["find-a-job"], capacity=1)
    on_shift = await scrape()
    assert value(on_shift, "virtualcite_pole_counsellors_online", pole="find-a-job") == 1
    assert value(on_shift, "virtualcite_pole_counsellors_available", pole="find-a-job") == 1
    assert value(on_shift, "virtualcite_websocket_connections", route="counsellor") == (
        value(before, "virtualcite_websocket_connections", route="counsellor") + 1)

    guest, _token = await waiting_visitor("find-a-job")
    offer = (await staff.expect("offer"))["offer"]
    offered = await scrape()
    assert value(offered, "virtualcite_pole_queue_length", pole="find-a-job") == 1
    assert value(offered, "virtualcite_offers_made_total", pole="find-a-job") == (
        value(before, "virtualcite_offers_made_total", pole="find-a-job") + 1)
    assert value(offered, "virtualcite_websocket_connections", route="visitor") == (
        value(before, "virtualcite_websocket_connections", route="visitor") + 1)

    await staff.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    await staff.expect("conversation")
    talking = await scrape()
    assert value(talking, "virtualcite_pole_conversations", pole="find-a-job") == 1
    assert value(talking, "virtualcite_pole_queue_length", pole="find-a-job") == 0
    assert value(talking, "virtualcite_pole_counsellors_available", pole="find-a-job") == 0
    assert value(talking, "virtualcite_frames_received_total", route="visitor") >= (
        value(before, "virtualcite_frames_received_total", route="visitor") + 2)  # hello, join
    assert value(talking, "virtualcite_store_mutation_seconds_count", app="desk") > (
        value(before, "virtualcite_store_mutation_seconds_count", app="desk"))

    await guest.send(type="accept")  # not a visitor's frame: refused with its code
    await refused(guest, "unknown_frame")
    rejected = await scrape()
    assert value(rejected, "virtualcite_frames_rejected_total", route="visitor",
                 code="unknown_frame") == value(before, "virtualcite_frames_rejected_total",
                                                route="visitor", code="unknown_frame") + 1

    await guest.close()
    await staff.close()


async def test_no_label_value_looks_like_a_token_a_handle_or_an_address() -> None:
    staff = await counsellor("camille", ["find-a-job"], capacity=1)
    guest, token = await waiting_visitor("find-a-job")
    offer = (await staff.expect("offer"))["offer"]
    await staff.send(type="accept", visitor=offer["visitor"])
    await guest.expect("matched")
    await staff.expect("conversation")
    samples = await scrape()
    labels = {value for _name, pairs in samples for _key, value in pairs}
    assert labels, "no labelled sample"
    assert not {label for label in labels if SECRET_LOOKING.search(label)}
    everything = " ".join(labels)
    for secret in (token, offer["visitor"], offer["pseudonym"], staff.me_id):
        assert secret not in labels
        assert len(secret) < 3 or secret not in everything
    await guest.close()
    await staff.close()


async def test_a_desk_store_that_fails_leaves_only_the_desks_gauges_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from virtualcite import metrics_view
    from virtualcite.realtime.store.errors import StoreUnavailable

    async def unreachable() -> None:
        raise StoreUnavailable("Redis unreachable")

    monkeypatch.setattr(metrics_view, "desk_load_collector", unreachable)
    response = await AsyncClient().get("/metrics", headers=AUTHORISED)
    assert response.status_code == 200
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert "virtualcite_redis_errors" in names and "virtualcite_pole_queue_length" not in names
    assert "virtualcite_room_seated" in names  # the rooms' gauges do not depend on the desk's


async def test_a_running_room_shows_its_seats_and_waiting_list() -> None:
    await with_capacity(1)
    host = await facilitator()
    first, _me = await seated()
    second = await participant()
    await second.send(type="join")
    await second.expect("room_welcome")
    samples = await scrape()
    labels = {"room": ROOM, "pole": "change-career"}
    assert (value(samples, "virtualcite_room_seated", **labels),
            value(samples, "virtualcite_room_waiting", **labels),
            value(samples, "virtualcite_room_capacity", **labels)) == (1, 1, 1)
    await host.send(type="close")
    await host.expect("room_status", status="closed")
    closed = await scrape()
    assert not any(name == "virtualcite_room_seated" for name, _labels in closed)
    for client in (first, second, host):
        await client.close()


async def test_an_offer_left_to_time_out_is_counted_under_its_pole() -> None:
    import time

    from chat.presence import presence
    from chat.runtime import desk_runtime

    before = await scrape()
    staff = await counsellor("camille", ["find-a-job"], capacity=1)
    guest, _token = await waiting_visitor("find-a-job")
    await staff.expect("offer")
    runtime = desk_runtime()
    later = time.time() + runtime.config.offer_timeout + 1
    runtime.clock = lambda: later
    await presence.maintain_once()  # the open sockets' leases renewed, then the offer expires
    await staff.expect("offer_gone", reason="expired")
    after = await scrape()
    assert value(after, "virtualcite_offers_timed_out_total", pole="find-a-job") == (
        value(before, "virtualcite_offers_timed_out_total", pole="find-a-job") + 1)
    await guest.close()
    await staff.close()
