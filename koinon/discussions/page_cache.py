"""Drop the cached anonymous pages of a community when its discussions change."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from koinon.communities.models import Community
from koinon.discussions.models import Post, Reaction, Topic
from koinon.lib.page_cache import bump_community


def _bump_where(**lookup):
    slug = Community.objects.filter(**lookup).values_list("slug", flat=True).first()
    if slug:
        bump_community(slug)


def _changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Community):
        bump_community(instance.slug)
    elif isinstance(instance, Topic):
        bump_community(instance.community.slug)
    elif isinstance(instance, Post):
        _bump_where(topics__pk=instance.topic_id)
    elif isinstance(instance, Reaction):
        _bump_where(topics__posts__pk=instance.post_id)


def connect():
    for model in (Community, Topic, Post, Reaction):
        uid = f"page_cache_{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "_delete")
    m2m_changed.connect(_changed, sender=Topic.tags.through, dispatch_uid="page_cache_tags")
