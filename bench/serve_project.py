"""Start the project's server for the benchmarks: demo data, bench counsellors, their sessions.

    python -m bench.serve_project --port N --counsellors 50 --sessions out.json [--frame-limit off]
                                  [--room-capacity 200 --host-session host.json]
                                  [--queue-capacity 1000] [--no-prepare]

Environment as for `virtualcite serve` (VIRTUALCITE_DATA_DIR, DEBUG=1, optional REDIS_URL).
Before serving, it loads the demo data, creates counsellors `bench000`.. (pole find-a-job,
capacity 1) in the bench's own database, logs each in with a Django session (cookie
`sessionid`) and writes the cookies to `--sessions` (`bench.chat`). For `bench.rooms`,
`--room-capacity` seats that many in the demo room `club-reconversion` and `--host-session`
writes the session cookie of its facilitator, the demo's `nadia`. Then it runs
`virtualcite serve --port N` in this process: without `--demo`, which would load the demo
again and put the room's capacity back to the demo's. `--no-prepare` serves what an
earlier process prepared in the same data directory (a second process, `bench.burst`).

`--frame-limit off` raises the per-socket token bucket (5 frames/s, burst 15, chat/limits.py) so
that a few dozen pairs can carry thousands of messages/s; the bucket is still consulted on
every frame, so its cost stays in the measurement. Default: the production limit.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys

BENCH_ROOM = "club-reconversion"


def _session_cookie(user: object) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return str(client.cookies["sessionid"].value)


def _prepare(count: int, sessions_path: str, queue_capacity: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from virtualcite.models import PartnerInstitution, Pole, Role, StaffProfile

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    group = Group.objects.get(name=Role.COUNSELLOR)
    pole = Pole.objects.get(slug="find-a-job")
    if queue_capacity:
        pole.queue_capacity = queue_capacity
        pole.save()
    institution = PartnerInstitution.objects.first()
    cookies = []
    for index in range(count):
        user, _ = User.objects.get_or_create(username=f"bench{index:03d}")
        user.groups.add(group)
        profile, _ = StaffProfile.objects.get_or_create(
            user=user, defaults={"display_name": f"Bench {index}", "institution": institution})
        profile.max_conversations = 1
        profile.save()
        profile.poles.set([pole])
        cookies.append(_session_cookie(user))
    with open(sessions_path, "w") as out:
        json.dump(cookies, out)


def _prepare_room(capacity: int, host_session_path: str) -> None:
    """The bench room's seats, and its facilitator's session."""
    from django.contrib.auth.models import User

    from rooms.models import Room
    from virtualcite.demo import DEMO_FACILITATOR

    if Room.objects.filter(slug=BENCH_ROOM).update(capacity=capacity) != 1:
        raise RuntimeError(f"the demo room {BENCH_ROOM} is missing")
    with open(host_session_path, "w") as out:
        json.dump(_session_cookie(User.objects.get(username=DEMO_FACILITATOR)), out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--counsellors", type=int, default=50)
    parser.add_argument("--sessions", required=True)
    parser.add_argument("--frame-limit", choices=["on", "off"], default="on")
    parser.add_argument("--room-capacity", type=int, default=0,
                        help=f"seats in {BENCH_ROOM} (default: the demo's)")
    parser.add_argument("--host-session", default="",
                        help="where to write the session cookie of the room's facilitator")
    parser.add_argument("--queue-capacity", type=int, default=0,
                        help="places in find-a-job's queue (default: the demo's)")
    parser.add_argument("--no-prepare", action="store_true",
                        help="serve the database another process prepared (a second process "
                             "on the same REDIS_URL and data directory)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")
    import django

    django.setup()
    if not args.no_prepare:
        _prepare(args.counsellors, args.sessions, args.queue_capacity)
    if args.room_capacity or args.host_session:
        if not (args.room_capacity and args.host_session):
            parser.error("--room-capacity and --host-session go together")
        _prepare_room(args.room_capacity, args.host_session)
    if args.frame_limit == "off":
        import virtualcite.realtime.socket as base
        from virtualcite.realtime.limits import TokenBucket

        base.TokenBucket = functools.partial(  # type: ignore[attr-defined,assignment]
            TokenBucket, rate=1e9, burst=1e9, tokens=1e9)
    from virtualcite import cli

    # The demo is loaded above (_prepare): `--demo` would load it again.
    return cli.main(["serve", "--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
