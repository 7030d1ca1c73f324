from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


def site_identity() -> SimpleNamespace:
    """What e-mails call the site: our name and the configured host, not the Sites table."""
    return SimpleNamespace(name="Koinon", domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Links in e-mails come from SITE_URL, never from the request's Host header."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        uidb36, _sep, token = key.partition("-")
        return settings.SITE_URL + path.replace("UID", uidb36).replace("KEY", token)

    def render_mail(self, template_prefix, email, context, headers=None):
        context = {**context, "current_site": site_identity()}
        return super().render_mail(template_prefix, email, context, headers=headers)
