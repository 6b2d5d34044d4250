"""The `virtualcite` command: serve the desk, load the demo data, check a configuration.

    virtualcite serve [--host 127.0.0.1] [--port 8000] [--demo]
    virtualcite demo
    virtualcite check
"""

from __future__ import annotations

import argparse
import os
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Daphne's own default is 1 MiB; no frame of the protocol comes near 64 KiB (docs/protocol.md).
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024


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
            return 2
    except KeyboardInterrupt:
        return 130


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
    check_redis(settings.REDIS_URL)


def _check(args: argparse.Namespace) -> int:
    _check_services()
    print("virtualcite: configuration and services OK")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    _check_services()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    return 0


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
    print(f"virtualcite: serving on http://{args.host}:{args.port}/", flush=True)
    _run_daphne(args.host, args.port)
    return 0


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


def _run_daphne(host: str, port: int) -> None:
    from daphne.server import Server

    from virtualcite.access_log import AnonymousAccessLog
    from virtualcite.asgi import application
    from virtualcite.close_codes import use_close_codes

    use_close_codes()  # invalid UTF-8 closes with 1007, an oversized frame with 1009
    interface = host.strip("[]").replace(":", r"\:")
    Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface={interface}"],
        websocket_max_message_size=WEBSOCKET_MAX_MESSAGE_BYTES,
        # Our own access log: method, path and status, never the client's address.
        action_logger=AnonymousAccessLog(),
    ).run()


if __name__ == "__main__":
    sys.exit(main())
