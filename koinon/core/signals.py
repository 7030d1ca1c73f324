"""Keep the Sites framework's one site in step with SITE_URL, and cached pages fresh."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from koinon.communities.models import Community
from koinon.lib.page_cache import bump_community


@receiver(post_migrate)
def sync_site(sender, **kwargs):
    if sender.label != "core":
        return
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Koinon"}
    )


@receiver(post_save, sender="core.ActivityEntry", dispatch_uid="page_cache_activity")
def drop_cached_pages_on_activity(sender, instance, created, raw=False, **kwargs):
    """Every action logs its change: the community's cached pages go with it."""
    if created and not raw and instance.community_id:
        bump_community(instance.community.slug)


@receiver(post_save, sender="communities.Community", dispatch_uid="page_cache_community")
def drop_cached_pages_on_community_change(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_community(instance.slug)


@receiver(post_save, sender="communities.Membership", dispatch_uid="page_cache_membership")
@receiver(post_delete, sender="communities.Membership", dispatch_uid="page_cache_membership_gone")
@receiver(post_save, sender="moderation.Block", dispatch_uid="page_cache_block")
@receiver(post_delete, sender="moderation.Block", dispatch_uid="page_cache_block_gone")
def drop_cached_pages_on_membership_change(sender, instance, raw=False, **kwargs):
    """Pages keep each reader's membership (`access_to_read`): whatever path changes a
    membership or a block (an action, the admin, a cascade) drops them."""
    if raw:
        return
    slug = Community.objects.filter(pk=instance.community_id).values_list("slug", flat=True)
    if slug := slug.first():
        bump_community(slug)
