"""Start the project's server for `bench.chat`: demo data, N bench counsellors, their sessions.

    python -m bench.serve_project --port N --counsellors 50 --sessions out.json [--frame-limit off]

Environment as for `virtualcite serve` (VIRTUALCITE_DATA_DIR, DEBUG=1, optional REDIS_URL).
Before serving, it creates counsellors `bench000`.. (pole find-a-job, capacity 1) in the bench's
own database, logs each in with a Django session (cookie `sessionid`) and writes the cookies to
`--sessions`. Then it runs exactly `virtualcite serve --demo --port N` in this process.

`--frame-limit off` raises the per-socket token bucket (5 frames/s, burst 15, chat/limits.py) so
that a few dozen pairs can carry thousands of messages/s; the bucket is still consulted on
every frame, so its cost stays in the measurement. Default: the production limit.

`--tuned` applies, in this process only, the hot-path changes bench.chat's profile suggests
(chat/ itself is not touched), so their gain can be measured before anyone adopts them
(the first two are in chat/ since d35e912; re-applying them is harmless, so `--tuned` now
measures the third):
- desk sockets skip Channels' per-message `aclose_old_connections()` thread hop (every handler
  that touches the database goes through `database_sync_to_async`, which closes stale
  connections itself);
- `text_to_html` reuses one bleach Cleaner with the LinkifyFilter (one parse instead of a new
  Cleaner + a second parse), and skips bleach for text with nothing to escape and no link;
- the in-memory layer's `_clean_expired` (a scan of every channel and group on every
  `group_send`) runs at most once a second.
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


def _tune() -> None:
    import re
    import time
    from functools import partial

    from bleach.linkifier import LinkifyFilter
    from bleach.sanitizer import Cleaner
    from channels.consumer import get_handler_name
    from channels.layers import InMemoryChannelLayer

    import chat.relay
    import chat.sanitize as sanitize
    from chat.consumers.base import DeskSocket

    async def dispatch(self, message):  # type: ignore[no-untyped-def]
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    DeskSocket.dispatch = dispatch

    cleaner = Cleaner(tags=set(), attributes={}, protocols=sanitize._PROTOCOLS, strip=False,
                      filters=[partial(LinkifyFilter, callbacks=[sanitize._safe_link],
                                       skip_tags=None, parse_email=False)])
    plain = re.compile(r"^[^<>&\x00\r.:/@]*$")  # nothing to escape, nothing linkifiable

    def text_to_html(text: str) -> str:
        return text if plain.match(text) else cleaner.clean(text)

    chat.relay.text_to_html = text_to_html  # type: ignore[attr-defined]

    clean = InMemoryChannelLayer._clean_expired
    last = {"at": 0.0}

    def throttled(self):  # type: ignore[no-untyped-def]
        now = time.monotonic()
        if now - last["at"] >= 1.0:
            last["at"] = now
            clean(self)

    InMemoryChannelLayer._clean_expired = throttled


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--counsellors", type=int, default=50)
    parser.add_argument("--sessions", required=True)
    parser.add_argument("--frame-limit", choices=["on", "off"], default="on")
    parser.add_argument("--tuned", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "virtualcite.settings")
    import django

    django.setup()
    _prepare(args.counsellors, args.sessions)
    if args.frame_limit == "off":
        import chat.consumers.base as base
        from chat.limits import TokenBucket

        base.TokenBucket = functools.partial(  # type: ignore[attr-defined,assignment]
            TokenBucket, rate=1e9, burst=1e9, tokens=1e9)
    if args.tuned:
        _tune()
    from virtualcite import cli

    return cli.main(["serve", "--demo", "--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
