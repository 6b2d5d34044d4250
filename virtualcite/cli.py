"""The `virtualcite` command: serve the desk, load the demo data, check a configuration.

    virtualcite serve [--host 127.0.0.1] [--port 8000] [--demo]
    virtualcite demo
    virtualcite check
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Exit statuses, each a reason a script can tell apart.
EXIT_OK = 0
EXIT_SERVICE_UNREACHABLE = 2  # the database or Redis did not answer
EXIT_CANNOT_LISTEN = 3  # the port is taken or not allowed
EXIT_INTERRUPTED = 130  # Ctrl+C: 128 + SIGINT, as a shell reports it
# Daphne's own default is 1 MiB; no frame of the protocol comes near 64 KiB (docs/protocol.md).
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024

# Daphne's timeouts, each set here rather than left to daphne's defaults (docs/protocol.md,
# "Limits at the edge"). Daphne checks them every DAPHNE_CHECK_SECONDS (daphne/server.py,
# `timeout_checker`), so each may act up to that much late.
DAPHNE_CHECK_SECONDS = 2
# The upgrade request must be answered (the socket accepted or refused) within 10 s: the desk
# accepts in well under a second even under a burst, and 10 s is also HELLO_TIMEOUT_SECONDS,
# so no socket stays silent longer in any phase. Daphne's defaults: 5 s (autobahn's opening
# handshake) and 20 s (its own connect check); both are set to the same bound here.
WEBSOCKET_HANDSHAKE_TIMEOUT_SECONDS = 10
WEBSOCKET_CONNECT_TIMEOUT_SECONDS = 10
# A socket that sent nothing for PING_INTERVAL_SECONDS gets a websocket ping, and is dropped if
# no pong comes within PING_TIMEOUT_SECONDS. A page pings every HEARTBEAT_SECONDS (10 s), so a
# live page is rarely pinged; a background tab whose timers are throttled still answers pings
# (the browser does, not the page) and keeps its socket; a frozen machine or a dead network is
# dropped within 11 + 2 + 7 = 20 s. A dropped counsellor keeps 3 s of lease
# (DeskConfig.dropped_lease) and the next maintenance step (2 s) requeues their visitors: the
# desk's liveness, 25 s from the last sign of life. Seven seconds is ample for a pong on a slow
# mobile network. Daphne's defaults (20 s + 30 s) let a dead socket linger about 50 s.
PING_INTERVAL_SECONDS = 11
PING_TIMEOUT_SECONDS = 7
# A socket lives at most a day (daphne's default, kept explicitly): longer than any shift or
# conversation; a forgotten tab is then closed and its page reconnects on its own.
WEBSOCKET_MAX_AGE_SECONDS = 24 * 3600
# An HTTP request's response must start within 30 s (daphne's default: never), else 503. The
# slowest page is /readyz, bounded by two 2 s probes (services_check.PROBE_TIMEOUT_SECONDS).
HTTP_TIMEOUT_SECONDS = 30
# After a client leaves, its consumer has 10 s (daphne's default, kept explicitly) to release
# its place before daphne cancels it: a disconnect's store write, Redis retries included
# (about 3 s, settings.CHANNEL_LAYERS), fits.
APPLICATION_CLOSE_TIMEOUT_SECONDS = 10


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")
    try:
        _setup_django()
        from virtualcite.services_check import ServiceUnreachable

        try:
            return int(args.run(args))
        except ServiceUnreachable as error:
            print(f"virtualcite: {error}", file=sys.stderr)
            return EXIT_SERVICE_UNREACHABLE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="virtualcite", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="migrate, then serve the desk with daphne")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--demo", action="store_true", help="load the demo data first")
    serve.set_defaults(run=_serve)
    demo = commands.add_parser("demo", help="load the demo poles, partners and staff (idempotent)")
    demo.set_defaults(run=_demo)
    check = commands.add_parser("check", help="check the configuration and its services")
    check.set_defaults(run=_check)
    return parser


def _setup_django() -> None:
    import django

    django.setup()  # a configuration error exits here with its one line (settings.py)


def _check_services() -> None:
    from django.conf import settings
    from django.db import connection

    from virtualcite.services_check import check_database, check_redis

    check_database(connection)
    check_redis(settings.REDIS)


def _check(args: argparse.Namespace) -> int:
    _check_services()
    print("virtualcite: configuration and services OK")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    _check_services()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    _check_services()
    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    if args.demo:
        call_command("load_demo")
        _print_demo_logins(debug=settings.DEBUG)
    failure = _run_daphne(args.host, args.port)
    if failure is not None:
        print(f"virtualcite: {cannot_listen(args.host, args.port, failure)}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    return EXIT_OK


def _print_demo_logins(*, debug: bool) -> None:
    from virtualcite.auth import DEMO_PASSWORD
    from virtualcite.demo import DEMO_STAFF

    if not debug:
        print("virtualcite: demo data loaded, but demo logins are refused while DEBUG is off.")
        return
    print(f"virtualcite: demo staff logins (password '{DEMO_PASSWORD}' for all):")
    for member in DEMO_STAFF:
        print(f"  {member.username:<12} {member.role:<12} {member.institution:<14} "
              f"{', '.join(member.poles)}")


def _run_daphne(host: str, port: int) -> BaseException | None:
    """Serve until stopped (Ctrl+C, SIGTERM: after the drain, virtualcite/drain.py); why the
    port could not be listened on, if so."""
    server = _daphne_server(host, port)
    server.run()
    failure: BaseException | None = server.listen_failure
    return failure


def cannot_listen(host: str, port: int, error: BaseException) -> str:
    """What to tell someone whose server could not listen, and what to do about it."""
    cause = getattr(error, "socketError", None) or error  # twisted's CannotListenError wraps it
    code = getattr(cause, "errno", None)
    if code == errno.EADDRINUSE:
        other = port + 1
        return (f"port {port} on {host} is already in use: is another server (an earlier "
                "`make run`?) still running? Stop it (Ctrl+C in its terminal), or serve on "
                f"another port: `make run PORT={other}` or `virtualcite serve --port {other}`.")
    if code == errno.EACCES:
        return (f"port {port} on {host} is not allowed for this user (ports below 1024 need "
                f"privileges): serve on a higher one, e.g. `make run PORT={DEFAULT_PORT}`.")
    return f"cannot listen on port {port} on {host}: {cause}"


def _daphne_server(host: str, port: int) -> Any:
    """The daphne server `serve` runs, with every limit at the edge set (see the constants)."""
    from django.conf import settings

    from virtualcite.asgi import application
    from virtualcite.server import DeskServer

    interface = host.strip("[]").replace(":", r"\:")
    return DeskServer(
        application=application,
        # Said once the port listens, not before: a taken port must not read as serving.
        on_listening=lambda: print(f"virtualcite: serving on http://{host}:{port}/ "
                                   "(Ctrl+C stops it)", flush=True),
        # SIGTERM or Ctrl+C: the sockets are closed with 1012 over this window, then it stops.
        drain_seconds=settings.DRAIN_SECONDS,
        endpoints=[f"tcp:port={port}:interface={interface}"],
        websocket_max_message_size=WEBSOCKET_MAX_MESSAGE_BYTES,
        websocket_handshake_timeout=WEBSOCKET_HANDSHAKE_TIMEOUT_SECONDS,
        websocket_connect_timeout=WEBSOCKET_CONNECT_TIMEOUT_SECONDS,
        ping_interval=PING_INTERVAL_SECONDS,
        ping_timeout=PING_TIMEOUT_SECONDS,
        websocket_timeout=WEBSOCKET_MAX_AGE_SECONDS,
        http_timeout=HTTP_TIMEOUT_SECONDS,
        application_close_timeout=APPLICATION_CLOSE_TIMEOUT_SECONDS,
        # No daphne access lines: they name the client's address and are written outside
        # the request's context; virtualcite/access_log.py's RequestLog writes ours.
        action_logger=None,
        # Verbosity 1 sends twisted's own log nowhere (daphne/server.py): it names peers.
        verbosity=1,
    )


if __name__ == "__main__":
    sys.exit(main())
