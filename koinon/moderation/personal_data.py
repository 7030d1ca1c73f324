"""Moderation in a person's data export and erasure (hooks for koinon.lib.personal_data).

The export holds the flags a person made and the blocks placed on them (with the
moderators' reasons: the person has a right to know them). Erasure drops the words of
their flags and unnames them; blocks stay, since they protect the communities, and
disappear with the account's memberships only if a moderator lifts them.
"""


def _dt(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    from koinon.moderation.models import Block, Flag

    flags = Flag.objects.filter(user=user).select_related("community")
    blocks = Block.objects.filter(user=user).select_related("community")
    return {
        "flags": [
            {
                "community": f.community.slug,
                "post_id": f.post_id,
                "reason": f.reason,
                "details": f.text,
                "flagged_at": _dt(f.created_at),
                "resolution": f.resolution,
            }
            for f in flags
        ],
        "blocks": [
            {
                "community": b.community.slug,
                "reason": b.reason,
                "since": _dt(b.created_at),
                "until": _dt(b.ends_at),
                "lifted_at": _dt(b.lifted_at),
            }
            for b in blocks
        ],
    }


def erase(user) -> None:
    from koinon.moderation.models import Flag

    Flag.objects.filter(user=user, resolved_at__isnull=False).update(text="", user=None)
    Flag.objects.filter(user=user).update(text="")
