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


def connect_deletions() -> None:
    """Every kind of content in the search's registry leaves the index when deleted."""
    from django.apps import apps
    from django.db.models.signals import post_delete

    from koinon.search.index import POST_KIND
    from koinon.search.items import unindex_deleted
    from koinon.search.kinds import KINDS

    for kind in KINDS:
        if kind.model == POST_KIND:
            continue  # posts: the document's foreign key cascades
        try:
            model = apps.get_model(kind.model)
        except LookupError:
            continue
        post_delete.connect(unindex_deleted, sender=model, dispatch_uid=f"search_{kind.model}")
