"""A community that changes visibility re-scopes its search documents at once; any
change of a community or a membership makes searches read their readers' communities
again."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from koinon.communities.models import Community, Membership


@receiver(post_save, sender=Community, dispatch_uid="search_rescope_community")
def rescope(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    from koinon.search.index import update_community_scope

    update_community_scope(instance)


@receiver(post_save, sender=Community, dispatch_uid="search_readable_community")
@receiver(post_delete, sender=Community, dispatch_uid="search_readable_community_gone")
@receiver(post_save, sender=Membership, dispatch_uid="search_readable_membership")
@receiver(post_delete, sender=Membership, dispatch_uid="search_readable_membership_gone")
def forget_readable(sender, raw=False, **kwargs):
    if not raw:
        from koinon.search.query import forget_readable_communities

        forget_readable_communities()


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
