"""The live desk's refusals outside the core's rules, and how the core's are answered.

Each class carries its code and message (virtualcite/realtime/errors.py explains the
scheme); the core's refusals (chat/core/errors.py) carry theirs, and `detail` adds when a
closed pole opens. chat/apps.py registers the core's base with the realtime layer.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from chat.core.errors import DeskError, PoleClosed
from virtualcite.realtime.errors import Refused, gettext_noop


class NoConversation(Refused):
    """A visitor frame that needs a running conversation, sent without one."""

    code = "no_conversation"
    message = gettext_noop("You are not in a conversation.")


class NothingToRate(Refused):
    """No ended conversation of this visitor is waiting for a rating."""

    code = "nothing_to_rate"
    message = gettext_noop("There is no conversation to rate.")


def detail(refusal: DeskError) -> str | None:
    """The part of a refusal that changes with the case: when a closed pole opens."""
    if isinstance(refusal, PoleClosed) and refusal.opens_at:
        when = timezone.localtime(datetime.fromtimestamp(refusal.opens_at, tz=UTC))
        return _("It opens %(when)s.") % {"when": formats.date_format(when, "l j F, H:i")}
    return None
