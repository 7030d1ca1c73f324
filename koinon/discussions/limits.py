"""Limits for people new to Koinon, in the spirit of Discourse's trust level 0.

In their first day an account may post once every 30 seconds, start 3 topics and
write 10 replies, with at most 2 links per post; moderators of the community are
exempt. Refusals answer 429 with the seconds to wait (`Retry-After`), or 400 for
too many links. A new member is one at trust level 0 (`koinon.reputation.rules`):
earning trust level 1 lifts the limits before the first day ends, and after it
they are lifted anyway.
They are checked where people write (pages and API), not in the actions, so
imports, seeds and tests may write freely.
"""

import math
import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koinon.discussions.actions import clean_body
from koinon.discussions.models import Post, Topic
from koinon.lib.errors import ActionError, RateLimited
from koinon.lib.markdown import render_markdown

DEFAULTS = {
    "new_for": timedelta(days=1),
    "post_interval": timedelta(seconds=30),
    "topics_per_day": 3,
    "replies_per_day": 10,
    "links_per_post": 2,
    "mentions_per_post": 2,
}
LINK = re.compile(r"<(a|img)\s(?![^>]*class=\"mention\")", re.IGNORECASE)  # a mention is no link


class TooSoon(RateLimited):
    """A 429 with its own message and the seconds to wait."""

    def __init__(self, message, retry_after: float):
        super().__init__(max(1, math.ceil(retry_after)))
        self.message = message


def rules() -> dict:
    return {**DEFAULTS, **getattr(settings, "DISCUSSIONS_NEW_MEMBER_LIMITS", {})}


def is_new(user, now=None) -> bool:
    """In the first day and still at trust level 0 (recomputed now, a few queries)."""
    now = now or timezone.now()
    if user.date_joined <= now - rules()["new_for"]:
        return False
    from koinon.reputation.trust import level_of

    return level_of(user, fresh=True) < 1


def check(user, access, *, body: str, starting_topic: bool) -> None:
    """Refuse a post that a new member may not make yet; moderators are exempt."""
    if access.is_moderator or not user.is_authenticated:
        return
    now, limits = timezone.now(), rules()
    if not is_new(user, now):
        return
    body = clean_body(body)  # an empty or overlong post gets that answer first
    _check_links(body, limits["links_per_post"])
    _check_mentions(body, limits["mentions_per_post"])
    _check_interval(user, now, limits["post_interval"])
    first_day_ends = user.date_joined + limits["new_for"]
    if starting_topic:
        count = Topic.objects.filter(author=user).count()
        if count >= limits["topics_per_day"]:
            raise TooSoon(
                _(
                    "New members can start %(n)s topics on their first day. "
                    "Please try again in %(wait)s."
                )
                % {"n": limits["topics_per_day"], "wait": wait_label(first_day_ends - now)},
                (first_day_ends - now).total_seconds(),
            )
    else:
        count = Post.objects.filter(author=user, is_opening=False).count()
        if count >= limits["replies_per_day"]:
            raise TooSoon(
                _(
                    "New members can write %(n)s replies on their first day. "
                    "Please try again in %(wait)s."
                )
                % {"n": limits["replies_per_day"], "wait": wait_label(first_day_ends - now)},
                (first_day_ends - now).total_seconds(),
            )


def _check_links(body: str, most: int):
    if len(LINK.findall(render_markdown(body))) > most:
        raise ActionError(
            _("New members can include at most %(n)s links or images in a post.") % {"n": most},
            field="body",
            code="too_many_links",
        )


def _check_mentions(body: str, most: int):
    from koinon.lib.markdown import mentioned_handles, resolve_handles

    if len(resolve_handles(mentioned_handles(body))) > most:
        raise ActionError(
            _("New members can mention at most %(n)s people in a post.") % {"n": most},
            field="body",
            code="too_many_mentions",
        )


def _check_interval(user, now, interval):
    last = (
        Post.objects.filter(author=user)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last and now - last < interval:
        wait = interval - (now - last)
        raise TooSoon(
            _("New members can post once every %(n)s seconds. Please try again in %(wait)s.")
            % {"n": int(interval.total_seconds()), "wait": wait_label(wait)},
            wait.total_seconds(),
        )


def wait_label(delta: timedelta) -> str:
    """ "30 seconds", "5 minutes", "3 hours": how long to wait, rounded up."""
    seconds = max(1, math.ceil(delta.total_seconds()))
    if seconds < 120:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
