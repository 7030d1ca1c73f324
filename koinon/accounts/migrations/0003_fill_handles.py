"""Give every existing person a handle made from their display name."""

from django.db import migrations


def fill_handles(apps, schema_editor):
    from koinon.accounts.handles import unique_handle

    Profile = apps.get_model("accounts", "Profile")
    taken = set(Profile.objects.exclude(handle=None).values_list("handle", flat=True))
    missing = Profile.objects.filter(handle=None).select_related("user").order_by("user_id")
    for profile in missing.iterator(chunk_size=2000):
        user = profile.user
        if user.erased_at:
            continue
        name = profile.display_name or user.email.split("@")[0]
        handle = unique_handle(name, taken=taken)
        taken.add(handle)
        Profile.objects.filter(pk=profile.pk).update(handle=handle)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_handle"),
    ]

    operations = [migrations.RunPython(fill_handles, migrations.RunPython.noop)]
