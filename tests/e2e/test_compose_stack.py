"""deploy/compose.yaml, run as the runbook says: built, started, used and upgraded by Docker.

The shipped compose file and Containerfile over stand-in base images (tests/compose_stack.py
says why and how): `up -d --build` brings nginx, two app replicas, Redis and PostgreSQL up
healthy, the image runs unprivileged with its static files collected, and everything below
goes through nginx's published port, as a browser would:

- a counsellor and a visitor talk, one replica is killed (SIGKILL) mid-conversation, and the
  side it served resumes on the other replica with the conversation running;
- a replica stopped as compose stops one for an upgrade (SIGTERM, `stop_grace_period`) drains:
  its pages get 1012, come back on the other replica with their place in the queue, and the
  process exits 0 before compose would kill it.

No message text reaches any container's log.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.compose_stack import ComposeStack, compose_stack, unavailable
from tests.e2e.journeys import (
    accept_offer,
    closing,
    desk_of,
    drained,
    exchange,
    reconnected,
    visitor_on,
)
from tests.e2e.ws_client import WsClient

pytestmark = [pytest.mark.compose, pytest.mark.timeout(1500)]

POLE = "find-a-job"
QUIET_POLE = "discover-jobs"  # open all day in the demo, and nobody here is on shift for it
LEASE_SECONDS = 20.0  # DeskConfig.lease_ttl
STEP_SECONDS = 2.0  # chat/presence.py MAINTAIN_SECONDS: the last renewal is at most this old
SERVICE_RESTART = 1012  # docs/protocol.md, "A process stopping"
@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ComposeStack]:
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    with compose_stack(tmp_path_factory.mktemp("compose")) as running:
        # The directory a real Cité fills in the admin: the demo's poles and partners.
        running.exec("app", "virtualcite", "demo")
        yield running


@pytest.fixture
def stack(running_stack: ComposeStack) -> ComposeStack:
    """The module's stack with both replicas up, whatever the test before it killed."""
    running_stack.restore()
    return running_stack


def get(stack: ComposeStack, path: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(f"{stack.url}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310: the test's URL
        return response.status, response.read().decode()


async def replica_lost(clients: list[WsClient], *, timeout: float = 20) -> WsClient:
    """The one client whose socket ends (its replica went away); the others still open."""
    waits = {asyncio.ensure_future(client.socket.wait_closed()): client for client in clients}
    done, pending = await asyncio.wait(waits, timeout=timeout,
                                       return_when=asyncio.FIRST_COMPLETED)
    for future in pending:
        future.cancel()
    assert len(done) == 1, f"{len(done)} sockets ended: the two did not share the replicas"
    return waits[done.pop()]


def test_the_stack_serves_healthy_unprivileged_replicas_behind_nginx(
        stack: ComposeStack) -> None:
    replicas = stack.containers("app")
    assert len(replicas) == 2
    for replica in replicas:
        state = ComposeStack.inspect(replica)
        assert state["State"]["Health"]["Status"] == "healthy"
        assert state["Config"]["User"] == "virtualcite:virtualcite"
    assert stack.exec("app", "id", "-u").strip() == "10001"

    status, health = get(stack, "/healthz")
    assert (status, json.loads(health)) == (200, {"status": "ok"})
    status, details = get(stack, "/readyz", Authorization=f"Bearer {stack.operator_token}")
    assert status == 200
    assert json.loads(details)["checks"] == {"database": "ok", "redis": "ok"}

    # The hashed, compressed static files collected at build, served with DEBUG off.
    status, page = get(stack, "/fr/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "no hashed stylesheet in the page"
    assert get(stack, stylesheet.group(1))[0] == 200

    # The directory is PostgreSQL's (migrated once by `migrate`), never a SQLite file.
    tables = stack.exec("postgres", "psql", "-U", "virtualcite", "-d", "virtualcite", "-tAc",
                        "SELECT count(*) FROM django_migrations")
    assert int(tables) > 0
    assert "sqlite" not in stack.exec("app", "ls", "/var/lib/virtualcite")


async def test_a_conversation_through_nginx_survives_the_kill_of_a_replica(
        stack: ComposeStack) -> None:
    cookie = await asyncio.to_thread(stack.counsellor_cookie)
    clients: list[WsClient] = []
    async with closing(clients):
        # least_conn sends the second socket to the replica the first did not take.
        counsellor = await desk_of(stack, cookie, [POLE])
        clients.append(counsellor)
        guest = await visitor_on(stack)
        clients.append(guest)
        await guest.send(type="join", pole=POLE)
        token = (await guest.expect("queued"))["token"]
        conversation = await accept_offer(counsellor, guest)
        texts = await exchange(guest, counsellor, conversation, "before")

        killed = stack.containers("app")[0]
        guest_seen, counsellor_seen = len(guest.seen), len(counsellor.seen)
        await asyncio.to_thread(ComposeStack.docker, "kill", "--signal", "KILL", killed)
        # Back before the lease the dead replica last renewed runs out.
        lease_until = time.monotonic() + LEASE_SECONDS - STEP_SECONDS
        victim = await replica_lost([counsellor, guest])
        clients.remove(victim)

        if victim is counsellor:
            counsellor = await reconnected(stack, "/ws/counsellor/", cookie=cookie,
                                           deadline=lease_until)
            counsellor_seen = 0
            clients.append(counsellor)
            await counsellor.send(type="hello")
            desk = (await counsellor.expect("staff_welcome"))["state"]
            assert [c["id"] for c in desk["conversations"]] == [conversation]
            assert desk["shift"] is not None
        else:
            guest = await reconnected(stack, "/ws/visitor/", deadline=lease_until)
            guest_seen = 0
            clients.append(guest)
            await guest.send(type="hello", token=token)
            welcome = await guest.expect("welcome")
            assert welcome["state"]["status"] == "chatting"
            assert welcome["state"]["conversation"] == conversation
        assert time.monotonic() < lease_until
        texts += await exchange(guest, counsellor, conversation, "after")
        # Past the dead replica's last renewal and two steps of the survivor: had the resumed
        # socket not taken its lease over, someone would have been requeued or offered again.
        watch_until = lease_until + 3 * STEP_SECONDS
        await asyncio.gather(drained(guest, until=watch_until),
                             drained(counsellor, until=watch_until))
        assert not [f for f in guest.seen[guest_seen:]
                    if f["type"] in {"requeued", "ended", "queued"}]
        assert not [f for f in counsellor.seen[counsellor_seen:] if f["type"] == "offer"]

    logs = await asyncio.to_thread(stack.logs)
    assert '"GET /ws/visitor/" 101' in logs, "nginx's access log is not in compose's logs"
    for text in texts:
        assert text.split()[-1] not in logs, "a message's text in a container's log"


async def test_a_replica_stopped_for_an_upgrade_drains_its_pages_to_the_other(
        stack: ComposeStack) -> None:
    clients: list[WsClient] = []
    async with closing(clients):
        places: dict[str, int] = {}
        for _ in range(2):  # one on each replica (least_conn)
            guest = await visitor_on(stack)
            clients.append(guest)
            await guest.send(type="join", pole=QUIET_POLE)
            queued = await guest.expect("queued")
            places[queued["token"]] = queued["position"]

        stopped = stack.containers("app")[0]
        stopping = asyncio.ensure_future(asyncio.to_thread(ComposeStack.docker, "stop", stopped))
        victim = await replica_lost(clients)
        assert victim.socket.close_code == SERVICE_RESTART
        clients.remove(victim)
        token = next(frame["token"] for frame in victim.seen if frame["type"] == "queued")

        back = await WsClient.open(f"{stack.ws_url}/ws/visitor/", origin=stack.url)
        clients.append(back)
        await back.send(type="hello", token=token)
        welcome = await back.expect("welcome")
        assert welcome["state"]["status"] == "waiting"
        assert welcome["state"]["position"] == places[token]
        await stopping
        # It drained and exited by itself, inside compose's stop_grace_period.
        assert ComposeStack.inspect(stopped)["State"]["ExitCode"] == 0
