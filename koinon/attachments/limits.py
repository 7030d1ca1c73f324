"""How many images a person may upload in a day: `ATTACHMENTS_PER_DAY` (50), and 5 for
people new to Koinon (trust level 0 in their first day, as in koinon.discussions.limits).
Discourse lets new members attach nothing; a newcomer here may still show a screenshot
of the error they ask about. Moderators are exempt. Checked where people upload
(the composer's button and the API), not in the action. Refusals answer 429 with the
time to wait (`Retry-After`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from koinon.attachments.models import Attachment
from koinon.discussions import limits as discussion_limits

WINDOW = timedelta(days=1)


def per_day(user) -> int:
    if discussion_limits.is_new(user):
        return getattr(settings, "ATTACHMENTS_PER_DAY_NEW_MEMBER", 5)
    return getattr(settings, "ATTACHMENTS_PER_DAY", 50)


def check(user, access) -> None:
    """Refuse an upload past the day's limit (any community counts)."""
    if access.is_moderator:
        return
    now, limit = timezone.now(), per_day(user)
    recent = Attachment.objects.filter(uploader=user, created_at__gt=now - WINDOW)
    if recent.count() < limit:
        return
    oldest = recent.order_by("created_at").values_list("created_at", flat=True)[
        max(0, recent.count() - limit)
    ]
    wait = oldest + WINDOW - now
    raise discussion_limits.TooSoon(
        ngettext(
            "You can add %(n)s image a day. Please try again in %(wait)s.",
            "You can add %(n)s images a day. Please try again in %(wait)s.",
            limit,
        )
        % {"n": limit, "wait": discussion_limits.wait_label(wait)},
        wait.total_seconds(),
    )
