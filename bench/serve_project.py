"""Start the project's server for `bench.chat`: demo data, N bench counsellors, their sessions.

    python -m bench.serve_project --port N --counsellors 50 --sessions out.json [--frame-limit off]

Environment as for `virtualcite serve` (VIRTUALCITE_DATA_DIR, DEBUG=1, optional REDIS_URL).
Before serving, it creates counsellors `bench000`.. (pole find-a-job, capacity 1) in the bench's
own database, logs each in with a Django session (cookie `sessionid`) and writes the cookies to
`--sessions`. Then it runs exactly `virtualcite serve --demo --port N` in this process.

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


def _prepare(count: int, sessions_path: str) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from virtualcite.models import PartnerInstitution, Pole, Role, StaffProfile

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    group = Group.objects.get(name=Role.COUNSELLOR)
    pole = Pole.objects.get(slug="find-a-job")
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
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    with open(sessions_path, "w") as out:
        json.dump(cookies, out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--counsellors", type=int, default=50)
    parser.add_argument("--sessions", required=True)
    parser.add_argument("--frame-limit", choices=["on", "off"], default="on")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")
    import django

    django.setup()
    _prepare(args.counsellors, args.sessions)
    if args.frame_limit == "off":
        import virtualcite.realtime.socket as base
        from virtualcite.realtime.limits import TokenBucket

        base.TokenBucket = functools.partial(  # type: ignore[attr-defined,assignment]
            TokenBucket, rate=1e9, burst=1e9, tokens=1e9)
    from virtualcite import cli

    return cli.main(["serve", "--demo", "--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
