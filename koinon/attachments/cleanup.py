"""Images uploaded but never posted are deleted after `ATTACHMENTS_ORPHAN_HOURS` (48,
Discourse's `clean_orphan_uploads_grace_period_hours`), nightly from the scheduler.

An image is in use once a post or an earlier version of one (the edit history) shows
it; it is then marked and never looked at again. Only the composer of posts uploads,
so posts and their revisions are the only places to look. Posts written or edited
since the oldest unmarked image are read once per run, whatever the number of images.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from koinon.attachments.models import Attachment

IMAGE_KEY = re.compile(r"/attachments/([A-Za-z0-9_-]{16,64})\.webp")


def grace() -> timedelta:
    return timedelta(hours=getattr(settings, "ATTACHMENTS_ORPHAN_HOURS", 48))


def _keys_shown_since(moment) -> set[str]:
    from koinon.discussions.models import Post, PostRevision

    posts = Post.objects.filter(
        Q(created_at__gte=moment) | Q(edited_at__gte=moment), body__contains="/attachments/"
    )
    revisions = PostRevision.objects.filter(created_at__gte=moment, body__contains="/attachments/")
    keys = set()
    for rows in (posts.values_list("body", flat=True), revisions.values_list("body", flat=True)):
        for body in rows.iterator(chunk_size=500):
            keys.update(IMAGE_KEY.findall(body))
    return keys


def clean_orphan_attachments(now=None) -> int:
    """Mark the images posts show; delete those past the grace period that none shows.

    Returns how many were deleted.
    """
    now = now or timezone.now()
    unmarked = Attachment.objects.filter(used_at__isnull=True)
    oldest = unmarked.aggregate(m=Min("created_at"))["m"]
    if oldest is None:
        return 0
    shown = _keys_shown_since(oldest)
    unmarked.filter(key__in=shown).update(used_at=now)
    deleted = 0
    for attachment in unmarked.filter(created_at__lt=now - grace()).exclude(key__in=shown):
        attachment.file.delete(save=False)
        attachment.delete()
        deleted += 1
    return deleted
