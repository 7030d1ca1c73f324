"""Keep the Sites framework's one site in step with SITE_URL (allauth reads it)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def sync_site(sender, **kwargs):
    if sender.label != "core":
        return
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Koinon"}
    )
