"""A community that changes visibility re-scopes its search documents at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from koinon.communities.models import Community


@receiver(post_save, sender=Community, dispatch_uid="search_rescope_community")
def rescope(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    from koinon.search.index import update_community_scope

    update_community_scope(instance)
