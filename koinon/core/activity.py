"""Appending to the one activity log."""

from django.contrib.contenttypes.models import ContentType

from koinon.core.models import ActivityEntry


def log_activity(actor, verb: str, *, community=None, target=None, is_private=False, **data):
    """Append one entry: `actor` did `verb` on `target` in `community`."""
    entry = ActivityEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        community=community,
        data=data,
        is_private=is_private,
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = target.pk
    entry.save()
    return entry
