"""The deployed topology without Docker: nginx in front of two daphnes on Redis and PostgreSQL.

nginx runs the shipped deploy/nginx.conf (tests/nginx_server.py), the daphnes share a private
Redis and a PostgreSQL database of this test's own. A counsellor and a visitor, each reaching
the service only through nginx, land on different daphnes and talk. Then the daphne under one
of them is killed with SIGKILL mid-conversation: no handler of the dead process runs, so the
leases its sockets last renewed stand (20 s: the 3 s of a dropped counsellor socket is only
set by a disconnect handler, which never runs). The dropped side reconnects through nginx,
which routes it to the survivor, and resumes (the visitor with its token, the counsellor with
`hello`) well within that lease: the conversation is still running on both sides, messages
pass both ways, and nobody was requeued, offered again or offered to anyone else.

Clients connect from 127.0.0.2 to 127.0.0.4: addresses nothing else here uses (nginx listens on
127.0.0.1 and reaches the daphnes from it), so finding one in a log can only be a client
address that leaked; a canary in the messages does the same for their text.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.e2e.journeys import closing, drained, dropped, exchange
from tests.e2e.live_server import LiveServer, start_two_daphnes
from tests.e2e.ws_client import WsClient, login_cookie
from tests.nginx_server import EXECUTABLE, MISSING, UPSTREAM_HEADER, NginxServer

pytestmark = [pytest.mark.redis, pytest.mark.skipif(EXECUTABLE is None, reason=MISSING),
              pytest.mark.timeout(180)]

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
VISITOR, COUNSELLOR, WITNESS = "127.0.0.2", "127.0.0.3", "127.0.0.4"
LEASE_SECONDS = 20.0  # DeskConfig.lease_ttl
STEP_SECONDS = 2.0  # chat/presence.py MAINTAIN_SECONDS
POLE = "find-a-job"
# Sockets opened through nginx before one lands on the wanted daphne: least_conn sends a new
# socket to the daphne with fewer open ones, so the first try is the right one; more would
# mean the routing is not what the shipped config says.
ATTEMPTS = 4


@pytest.fixture
def own_postgres() -> Iterator[str]:
    """A database of this test's own, dropped afterwards; skipped when PostgreSQL is away."""
    name = f"virtualcite_topology_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL unreachable at 127.0.0.1:5432 as user postgres: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Topology:
    nginx: NginxServer
    daphnes: tuple[LiveServer, LiveServer]
    database_url: str

    def daphne_at(self, address: str) -> LiveServer:
        """The daphne nginx names in X-Upstream (`127.0.0.1:port`)."""
        return next(d for d in self.daphnes if address == f"127.0.0.1:{d.port}")

    def other(self, daphne: LiveServer) -> LiveServer:
        return next(d for d in self.daphnes if d is not daphne)


@pytest.fixture
def topology(tmp_path: Path, redis_url: str, own_postgres: str) -> Iterator[Topology]:
    daphnes = start_two_daphnes(tmp_path, redis_url, extra_env={
        "DATABASE_URL": own_postgres,
        # nginx's address: its X-Forwarded-For names the client for the per-client socket cap.
        "TRUSTED_PROXIES": "127.0.0.1"})
    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    nginx = NginxServer(nginx_dir, [daphne.port for daphne in daphnes])
    try:
        nginx.start()
        yield Topology(nginx, daphnes, own_postgres)
    finally:
        nginx.stop()
        for daphne in daphnes:
            daphne.stop()


def served_by(client: WsClient) -> str:
    """The daphne that took this socket, from nginx's header on the handshake's answer: the
    last address it tried (after a failed one, the header lists both)."""
    response = client.socket.response
    assert response is not None
    return str(response.headers[UPSTREAM_HEADER]).split(",")[-1].strip()


async def socket_on(topology: Topology, route: str, *, source: str, cookie: str | None = None,
                    on: LiveServer | None = None, avoid: LiveServer | None = None) -> WsClient:
    """A socket through nginx, on daphne `on` (or not on `avoid`): sockets that land elsewhere
    are kept open while trying again, so that least_conn's count moves to the wanted one, then
    closed."""
    misses: list[WsClient] = []
    try:
        for _ in range(ATTEMPTS):
            client = await WsClient.open(f"{topology.nginx.ws_url}{route}",
                                         origin=topology.nginx.url, cookie=cookie, source=source)
            daphne = topology.daphne_at(served_by(client))
            if (on is None or daphne is on) and daphne is not avoid:
                return client
            misses.append(client)
        raise AssertionError(f"{ATTEMPTS} sockets through nginx, none on the wanted daphne")
    finally:
        for miss in misses:
            await miss.close()


async def logged_in(topology: Topology, username: str, *, source: str) -> str:
    """A counsellor's session cookie, from the login page served through nginx."""
    return await asyncio.to_thread(login_cookie, topology.nginx.url, username, source=source)


async def desk_through(topology: Topology, cookie: str, *, source: str,
                       **placement: Any) -> WsClient:
    """A counsellor's desk socket through nginx, greeted."""
    client = await socket_on(topology, "/ws/counsellor/", source=source, cookie=cookie,
                             **placement)
    await client.send(type="hello")
    await client.expect("staff_welcome")
    return client


@pytest.mark.parametrize("killed", ["counsellor", "visitor"])
async def test_a_conversation_survives_the_sigkill_of_either_daphne_behind_nginx(
        topology: Topology, killed: str) -> None:
    clients: list[WsClient] = []
    async with closing(clients):
        camille_cookie = await logged_in(topology, "camille", source=COUNSELLOR)
        camille = await desk_through(topology, camille_cookie, source=COUNSELLOR)
        clients.append(camille)
        staff_side = topology.daphne_at(served_by(camille))
        visitor_side = topology.other(staff_side)
        guest = await socket_on(topology, "/ws/visitor/", source=VISITOR, on=visitor_side)
        clients.append(guest)
        assert served_by(guest) != served_by(camille)
        doomed = staff_side if killed == "counsellor" else visitor_side
        survivor = topology.other(doomed)
        await camille.send(type="shift_start", poles=[POLE], capacity=2)
        await camille.expect("staff_state")
        await guest.send(type="hello", token=None)
        await guest.expect("welcome")
        await guest.send(type="join", pole=POLE)
        token = (await guest.expect("queued"))["token"]
        offer = (await camille.expect("offer"))["offer"]
        await camille.send(type="accept", visitor=offer["visitor"])
        await guest.expect("matched")
        conversation = (await camille.expect("conversation"))["conversation"]["id"]
        # Karim comes on shift for the same pole on the survivor: were the visitor requeued or
        # routed twice, he would be offered them.
        karim_cookie = await logged_in(topology, "karim", source=WITNESS)
        karim = await desk_through(topology, karim_cookie, source=WITNESS, on=survivor)
        clients.append(karim)
        await karim.send(type="shift_start", poles=[POLE], capacity=2)
        await karim.expect("staff_state")
        texts = await exchange(guest, camille, conversation, "before")

        # The side about to lose its daphne sends a few messages and gets them acknowledged,
        # then its daphne dies at once: an acknowledged message was handed to the channel
        # layer (docs/protocol.md, `message`), so the other end gets it all the same.
        victim, bystander = (camille, guest) if killed == "counsellor" else (guest, camille)
        last_words = [f"last words {index} {secrets.token_hex(6)}" for index in range(3)]
        for index, text in enumerate(last_words):
            await victim.send(type="message", conversation=conversation, text=text,
                              client_id=f"last-{index}")
        for index in range(len(last_words)):
            await victim.expect("message", client_id=f"last-{index}")
        # The last lease renewal is at most a step old when the process dies.
        killed_at = time.monotonic()
        lease_until = killed_at + LEASE_SECONDS - STEP_SECONDS
        await asyncio.to_thread(doomed.kill)
        await dropped(victim)
        clients.remove(victim)
        for text in last_words:
            assert text in (await bystander.expect("message", sender=killed))["html"]
        texts += last_words

        if killed == "counsellor":
            camille = await desk_through(topology, camille_cookie, source=COUNSELLOR)
            clients.append(camille)
            assert topology.daphne_at(served_by(camille)) is survivor
            desk = camille.seen[-1]["state"]
            assert [c["id"] for c in desk["conversations"]] == [conversation]
            assert desk["shift"] is not None and desk["offers"] == []
        else:
            guest = await socket_on(topology, "/ws/visitor/", source=VISITOR)
            clients.append(guest)
            assert topology.daphne_at(served_by(guest)) is survivor
            await guest.send(type="hello", token=token)
            welcome = await guest.expect("welcome")
            assert welcome["token"] == token
            assert welcome["state"]["status"] == "chatting"
            assert welcome["state"]["conversation"] == conversation
        resumed_after = time.monotonic() - killed_at
        assert time.monotonic() < lease_until, f"resumed {resumed_after:.1f} s after the kill"
        texts += await exchange(guest, camille, conversation, "after")

        # Past the dead process's last renewal plus two steps: had the resumed socket not taken
        # the lease over, the survivor's step would have requeued or dropped someone by then.
        watch_until = killed_at + LEASE_SECONDS + 2 * STEP_SECONDS
        watched = {"visitor": guest, "counsellor": camille, "witness": karim}
        frames = await asyncio.gather(*(drained(c, until=watch_until) for c in watched.values()))
        seen = dict(zip(watched, frames, strict=True))
        assert not [f for f in seen["visitor"]
                    if f["type"] in {"requeued", "ended", "queued", "position", "left"}], seen
        assert not [f for f in seen["counsellor"]
                    if f["type"] in {"offer", "conversation_closed"}
                    or (f["type"] == "shift" and f["reason"] == "lost")
                    or (f["type"] == "visitor_presence" and not f["connected"])], seen
        assert not [f for f in karim.seen if f["type"] == "offer"], "offered to another too"
        texts += await exchange(guest, camille, conversation, "later")

    # The directory and the counsellors' sessions were PostgreSQL's, never a SQLite file.
    assert not (topology.daphnes[0].data_dir / "virtualcite.sqlite3").exists()
    with psycopg.connect(topology.database_url) as database:
        sessions = database.execute("SELECT count(*) FROM django_session").fetchone()
    assert sessions is not None and sessions[0] >= 2

    await asyncio.to_thread(topology.nginx.stop)
    for daphne in topology.daphnes:
        daphne.stop()
    logs = {"nginx": topology.nginx.logs(),
            **{f"daphne {d.port}": d.log() for d in topology.daphnes}}
    assert '"GET /ws/visitor/" 101' in logs["nginx"], "nginx's access log is empty"
    for name, log in logs.items():
        for address in (VISITOR, COUNSELLOR, WITNESS):
            assert address not in log, f"a client address in {name}'s log"
        for text in texts:
            assert text.split()[-1] not in log, f"a message's text in {name}'s log"
