"""Outcome tags a counsellor ticks when ending a conversation (anonymous figures for reports)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The Cité's usual reasons a visit ends, from the seeds: information, advice, referral to a
# partner, documentation, a workshop, or a question outside the Cité's scope.
OUTCOME_TAGS: dict[str, Promise] = {
    "information": _("Information given"),
    "advice": _("Advice on a plan"),
    "referral": _("Referred to a partner service"),
    "documentation": _("Documentation shared"),
    "workshop": _("Workshop or club suggested"),
    "follow_up": _("Should come back"),
    "out_of_scope": _("Outside the Cité's scope"),
}


def outcome_labels() -> dict[str, str]:
    """Tags with their labels in the active language."""
    return {tag: str(label) for tag, label in OUTCOME_TAGS.items()}
