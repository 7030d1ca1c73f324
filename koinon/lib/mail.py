"""E-mail in the reader's language, text and HTML, with links built from SITE_URL."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """An absolute link from the configured site URL, never from a request's Host."""
    return settings.SITE_URL + path


def send_templated_mail(to: str, template: str, context: dict, language: str | None = None):
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` and send them."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        subject = " ".join(subject.splitlines())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
    return message
