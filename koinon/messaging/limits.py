"""First-contact limits for new accounts.

An account is *new* during its first 24 hours, and for its first 3 days when it
holds no community role above member (mentors, moderators and owners have been
trusted by a community). A new account may start at most 5 conversations in any
24 hours; the sixth is refused with 429 and the seconds to wait (Retry-After).
Replies in existing conversations are not limited here. Settings may override
the numbers with MESSAGING_NEW_ACCOUNT_LIMITS.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from koinon.communities.models import Membership, Role
from koinon.lib.errors import RateLimited
from koinon.messaging.models import Conversation

DEFAULTS = {
    "new_for": timedelta(days=1),
    "new_member_for": timedelta(days=3),
    "conversations_per_day": 5,
}
WINDOW = timedelta(days=1)


class TooManyConversations(RateLimited):
    def __init__(self, message, retry_after: float):
        super().__init__(max(1, math.ceil(retry_after)))
        self.message = message
        self.code = "first_contact_limit"


def rules() -> dict:
    return {**DEFAULTS, **getattr(settings, "MESSAGING_NEW_ACCOUNT_LIMITS", {})}


def is_new_account(user, now=None) -> bool:
    now, limits = now or timezone.now(), rules()
    age = now - user.date_joined
    if age < limits["new_for"]:
        return True
    if age >= limits["new_member_for"]:
        return False
    trusted = Membership.objects.filter(user=user).exclude(role=Role.MEMBER)
    return not trusted.exists()


def check_first_contact(user) -> None:
    """Raise TooManyConversations when a new account has started too many conversations."""
    now, limits = timezone.now(), rules()
    if not is_new_account(user, now):
        return
    most = limits["conversations_per_day"]
    recent = list(
        Conversation.objects.filter(created_by=user, created_at__gt=now - WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:most]
    )
    if len(recent) < most:
        return
    wait = recent[-1] + WINDOW - now
    raise TooManyConversations(
        ngettext(
            "New accounts can start %(n)s conversation a day. Please try again in %(wait)s.",
            "New accounts can start %(n)s conversations a day. Please try again in %(wait)s.",
            most,
        )
        % {"n": most, "wait": _wait(wait)},
        wait.total_seconds(),
    )


def _wait(delta: timedelta) -> str:
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes < 120:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
