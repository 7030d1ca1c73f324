"""E-mails of notifications and digests: the reader's language, text and HTML, and a
signed one-click unsubscribe (RFC 8058) that works without signing in."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from koinon.lib.mail import absolute_url

UNSUBSCRIBE_SALT = "koinon.notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)
DIGESTS = "digests"  # the scope that stops every digest


def unsubscribe_token(user_id: int, scope: str) -> str:
    """A signed, dated token for `scope`: a kind's key, or DIGESTS."""
    return signing.dumps({"u": user_id, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict:
    """{"u", "s"}; raises signing.BadSignature (SignatureExpired included)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or "s" not in data:
        raise signing.BadSignature("Unexpected content")
    return data


def unsubscribe_url(user_id: int, scope: str) -> str:
    return absolute_url(
        reverse("notifications-unsubscribe", args=[unsubscribe_token(user_id, scope)])
    )


def send_mail_to(user, template: str, context: dict, *, unsubscribe_scope: str):
    """Render `<template>_subject.txt`, `.txt`, `.html` in the reader's language and send
    them with List-Unsubscribe headers."""
    link = unsubscribe_url(user.pk, unsubscribe_scope)
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            **context,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": link,
            "settings_url": absolute_url(reverse("notification-settings")),
            "reader": user,
        }
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        subject = " ".join(subject.splitlines())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return message


def send_notification_mail(notification):
    from koinon.notifications.kinds import sentence

    user = notification.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = sentence(notification)
    context = {
        "notification": notification,
        "sentence": text,
        "url": absolute_url(notification.url) if notification.url else settings.SITE_URL,
    }
    return send_mail_to(
        user, "notifications/email/notification", context, unsubscribe_scope=notification.kind
    )
