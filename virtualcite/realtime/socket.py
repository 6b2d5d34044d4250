"""The consumer base every realtime route shares: the socket's life, its frames, its groups.

A route's consumer declares `frames` (its union's TypeAdapter) and one `on_<type>` handler
per frame; this base does the rest, the same way on every route: `hello` first (and a socket
silent past the handshake delay is closed), the size and rate limits, decoding every frame
(virtualcite/realtime/decoding.py), `ping` answered by `pong` after the route's `heartbeat`,
refusals answered by their error frames (virtualcite/realtime/errors.py), channel-layer
messages rebuilt as their typed classes (virtualcite/realtime/messages.py), the groups the
socket is in, and the release of everything it holds however it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar
from urllib.parse import parse_qs

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)
from pydantic import TypeAdapter
from redis.exceptions import RedisError

from virtualcite import logs
from virtualcite.realtime import fanout
from virtualcite.realtime.decoding import Refusal, decode_frame
from virtualcite.realtime.errors import HelloFirst, InternalError, error_frame, refusal_of
from virtualcite.realtime.fanout import Relayed
from virtualcite.realtime.limits import (
    FRAMES_PER_SECOND,
    HELLO_TIMEOUT_SECONDS,
    TokenBucket,
    ViolationCounter,
)
from virtualcite.realtime.messages import FrameMessage, message_class
from virtualcite.realtime.metrics import FRAMES_RECEIVED, FRAMES_REJECTED, SOCKETS
from virtualcite.realtime.protocol import CloseCode, Frame, Ping, Pong
from virtualcite.realtime.store.errors import StoreError

logger = logging.getLogger(__name__)

# Releases under way, kept referenced so that a cancelled socket task cannot lose them.
_releasing: set[asyncio.Future[None]] = set()

Handler = Callable[[Any], Awaitable[None]]


class RealtimeSocket(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels: untyped
    """Base consumer: subclasses declare `frames` (a TypeAdapter) and `on_<type>` handlers.

    What a socket holds (its presence, its token, its groups) is released when the socket's
    task ends, however it ends: a clean close, a handler that raised, a send on a socket the
    client already closed, or daphne cancelling the task. `__call__` guarantees it with a
    `finally`; `disconnect()` runs only when daphne delivers the client's disconnect (never
    after a crash or a cancellation), so nothing may depend on it.
    """

    frames: TypeAdapter[Any]
    # The route's name in metrics: never its URL, which may hold a room's slug.
    route_name: ClassVar[str] = "unnamed"
    closed = False  # no frame is written once true
    _released = False
    _counted = False  # in the SOCKETS gauge
    # How the socket closed: the server's code when it closed the socket, else the client's
    # (1006: dropped). A counsellor's lease is shortened only for 1006 (CounsellorSocket).
    close_code: int | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Every line logged while this socket's task (and the tasks it starts) runs carries
        # the connection's random id (virtualcite/logs.py), given at the ASGI edge
        # (virtualcite/access_log.py), here when a test calls the consumer directly.
        if logs.connection_id.get() is None:
            logs.connection_id.set(logs.new_log_id())
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.end_of_life()

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        SOCKETS.labels(route=self.route_name).inc()
        self._counted = True
        logger.info("websocket connected", extra={"route": self.route_name})
        self.language = self._language()
        self.bucket = TokenBucket()
        self.violations = ViolationCounter()
        self.greeted = False
        self.groups_joined: set[str] = set()
        self._arm_hello_timer()
        await super().websocket_connect(message)

    def _arm_hello_timer(self) -> None:
        """HELLO_TIMEOUT_SECONDS for the client to send a `hello` (docs/protocol.md)."""
        self.hello_timer = asyncio.get_running_loop().call_later(
            HELLO_TIMEOUT_SECONDS, lambda: asyncio.ensure_future(self._close_if_silent()))

    async def disconnect(self, code: int) -> None:
        if self.close_code is None:  # a client that does not answer our close is dropped
            self.close_code = code
        await self.end_of_life()

    async def end_of_life(self) -> None:
        """Release everything this socket holds, once; called on every way a socket ends.

        The release runs in its own task: when daphne cancels the socket's task (a client
        gone for good), the cancellation must not cut the release short.
        """
        if self._released:
            return
        self._released = True
        self.closed = True
        if self._counted:
            SOCKETS.labels(route=self.route_name).dec()
            logger.info("websocket closed",
                        extra={"route": self.route_name, "close_code": self.close_code})
        timer = getattr(self, "hello_timer", None)
        if timer is not None:
            timer.cancel()
        task = asyncio.ensure_future(self._release_all())
        _releasing.add(task)
        task.add_done_callback(_releasing.discard)
        await asyncio.shield(task)

    async def _release_all(self) -> None:
        try:
            await self.release()
        except Exception as error:  # the leases expire on their own: nothing is held for ever
            logger.warning("a socket's release failed: %s", type(error).__name__)
        for group in list(getattr(self, "groups_joined", ())):
            fanout.local_groups.discard(group, self)
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "groups_joined"):
            self.groups_joined.clear()

    async def release(self) -> None:
        """Hook: give back what the subclass holds (presence, token). Runs once, at the end."""

    async def _close_if_silent(self) -> None:
        if not self.greeted and not self.closed:
            await self.close_with(CloseCode.HELLO_TIMEOUT)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, with two changes.

        No per-message hop to a thread to close old database connections: every handler that
        touches the database goes through `database_sync_to_async`, which does that itself,
        and the hop cost a chat message a third of its CPU (docs/benchmarks.md).

        A handler that raises closes the socket (1011) and releases what it held, instead of
        leaving a socket whose task died but whose presence lives on. Frames from the client
        never get here with an exception: `receive` answers them with an error frame.
        """
        kind = message.get("type")
        handler = getattr(self, get_handler_name(message), None) if isinstance(kind, str) else None
        if handler is None:
            logger.warning("a socket got a message it has no handler for")
            return
        try:
            typed = message_class(kind) if isinstance(kind, str) else None
            await handler(typed.from_layer(message) if typed is not None else message)
        except StopConsumer:
            raise
        except Exception as error:
            # The type only: the message may carry a frame, and no log may hold its text.
            logger.error("a socket's %s handler failed: %s", kind, type(error).__name__)
            await self.close_with(CloseCode.INTERNAL_ERROR)
            await self.end_of_life()
            raise StopConsumer() from None

    # --- sending ------------------------------------------------------------------------

    async def send_frame(self, frame: Frame) -> None:
        await self.send_text(frame.model_dump_json())

    async def send_text(self, text: str) -> None:
        """Write an already encoded frame, unless the socket is closing.

        A send can race the client's close (autobahn's `Disconnected`): the socket is then
        treated as closed, and its release follows from the disconnect daphne delivers.
        """
        if self.closed:
            return
        try:
            await self.send(text_data=text)
        except Disconnected:
            self.closed = True

    async def send_error(self, refusal: type[Exception] | Exception, *,
                         frame_type: str | None = None, client_id: str | None = None) -> None:
        with translation.override(self.language):
            frame = error_frame(refusal, frame_type=frame_type, client_id=client_id)
        FRAMES_REJECTED.labels(route=self.route_name, code=frame.code).inc()
        await self.send_frame(frame)

    async def close_with(self, code: CloseCode) -> None:
        was_closed, self.closed = self.closed, True
        if not was_closed:
            self.close_code = int(code)
            with contextlib.suppress(Disconnected):
                await self.close(code=int(code))

    @property
    def handed_over(self) -> bool:
        """Closed by a draining server (1012): the page is coming back, to another process,
        within seconds. What a page's departure sets in motion (an offer withdrawn, a
        facilitator away, a seat marked away) is then left to the lease, which still runs: if
        the page never comes back, its lapse does the same at most 20 s later."""
        return self.close_code == CloseCode.SERVICE_RESTART

    async def server_drain(self, message: dict[str, Any]) -> None:
        """The process is stopping (virtualcite/drain.py): close with 1012, a clean close that
        keeps every lease whole, and the page reconnects to a live process to resume."""
        await self.close_with(CloseCode.SERVICE_RESTART)

    # --- receiving ----------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Answer one client frame; whatever goes wrong, the client gets an error frame.

        `decode_frame` turns every unreadable frame into a documented refusal; a handler
        that raises something else is a bug, answered with `internal_error` (the socket and
        its place live on). The type only is logged: the exception may quote the frame.
        """
        FRAMES_RECEIVED.labels(route=self.route_name).inc()
        frame = decode_frame(self.frames, text_data, bytes_data, admit=self.bucket.allow)
        if isinstance(frame, Refusal):
            if frame.violation:
                await self._violation(frame)
            else:
                await self.send_error(frame.refusal, frame_type=frame.frame_type)
            return
        try:
            await self._handle(frame)
        except Exception as error:
            logger.error("a socket's %s handler failed: %s", frame.type, type(error).__name__)
            await self.send_error(InternalError, frame_type=frame.type)

    async def _handle(self, frame: Any) -> None:
        """Run the frame's handler; a refusal (an app's, its core's) becomes its error frame."""
        if frame.type != "hello" and not self.greeted:
            await self.send_error(HelloFirst, frame_type=frame.type)
            return
        if frame.type == "hello" and not self.greeted:
            # It was sent: however long the desk takes to answer, the client was not silent.
            # Counting that time closed every socket of a reconnect storm whose resumes queued
            # past the timeout, and their retries queued more (docs/benchmarks.md, the storm).
            self.hello_timer.cancel()
        handler: Handler = getattr(self, "on_" + frame.type)
        started = time.monotonic()
        try:
            with translation.override(self.language):
                await handler(frame)
        except Exception as error:
            refusal = refusal_of(error)
            if refusal is None:
                raise
            if isinstance(error, StoreError | RedisError | DatabaseError):
                logger.warning("a backing service failed during %s: %s", frame.type,
                               type(error).__name__)
            await self.send_error(refusal, frame_type=frame.type,
                                  client_id=getattr(frame, "client_id", None))
        finally:
            waited = time.monotonic() - started
            if waited > 1.0 / FRAMES_PER_SECOND:  # held up: what arrived meanwhile is owed
                self.bucket.held_up(waited)
            if frame.type == "hello" and not self.greeted and not self.closed:
                self._arm_hello_timer()  # refused (service_unavailable): time for another

    async def _violation(self, refusal: Refusal) -> None:
        await self.send_error(refusal.refusal, frame_type=refusal.frame_type,
                              client_id=refusal.client_id)
        if self.violations.record():
            logger.info("closing an abusive socket", extra={"reason": refusal.refusal.code})
            await self.close_with(CloseCode.ABUSE)

    # --- groups -------------------------------------------------------------------------

    async def join_group(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)
            fanout.local_groups.add(group, self)

    async def leave_group(self, group: str) -> None:
        if group in self.groups_joined:
            self.groups_joined.discard(group)
            fanout.local_groups.discard(group, self)
            await self.channel_layer.group_discard(group, self.channel_name)

    async def leave_all_groups(self) -> None:
        for group in list(self.groups_joined):
            await self.leave_group(group)

    # --- channel-layer messages -----------------------------------------------------------

    async def realtime_frame(self, message: FrameMessage) -> None:
        """A frame an app's event handler addressed to a group this socket is in."""
        for group in message.join:
            await self.join_group(group)
        for group in message.leave:
            await self.leave_group(group)
        if await self.on_frame_message(message):
            await self.send_text(json.dumps(message.frame))

    async def on_frame_message(self, message: FrameMessage) -> bool:
        """Hook: a subclass updates what it knows (its conversations) before the frame goes
        out, and returns False to drop a frame its page must not see (a stale one)."""
        return True

    async def realtime_relay(self, message: Relayed) -> None:
        """A frame from another process's `deliver` (this process's own were written directly)."""
        if message.skip != self.channel_name and not fanout.from_this_process(message):
            await self.send_text(message.text)

    # --- common frames and helpers -----------------------------------------------------------

    async def on_ping(self, frame: Ping) -> None:
        await self.heartbeat()
        await self.send_frame(Pong(server_time=self.server_time()))

    async def heartbeat(self) -> None:
        """Hook: renew what the route keeps alive per socket (a visitor's connection entry)."""

    def _language(self) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        for candidate in query.get("lang", []):
            try:
                return get_supported_language_variant(candidate)
            except LookupError:
                pass
        headers = dict(self.scope.get("headers", []))
        accept = headers.get(b"accept-language", b"").decode("latin-1")
        for candidate, _quality in parse_accept_lang_header(accept):
            try:
                return get_supported_language_variant(candidate)
            except LookupError:
                continue
        return str(settings.LANGUAGE_CODE)

    @staticmethod
    def server_time() -> float:
        return time.time()

