import secrets

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from koinon.accounts.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts_create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every person has a profile, and a handle, from the moment the account exists."""
    if created and not raw:
        from koinon.accounts.handles import unique_handle

        handle = unique_handle(instance.display_name)
        try:
            with transaction.atomic():
                Profile.objects.get_or_create(user=instance, defaults={"handle": handle})
        except IntegrityError:  # the same handle chosen at the same moment by another sign-up
            handle = unique_handle(f"{handle[:20]}_{secrets.token_hex(3)}")
            Profile.objects.get_or_create(user=instance, defaults={"handle": handle})
