"""Notification kinds for opportunities, added to the registry in
`koinon/notifications/kinds.py` (``KINDS += opportunity_kinds()``).

- someone said "I'm interested" → the author (a private entry naming them);
- an opportunity was closed → the people who said they were interested.
"""

from django.utils.translation import gettext_lazy as _


def opportunity_author(entry, target):
    user_id = entry.data.get("user_id")
    return [user_id] if isinstance(user_id, int) else []


def interested_people(entry, target):
    if target is None:
        return []
    return target.interests.values_list("user_id", flat=True)


def opportunity_kinds() -> list:
    from koinon.notifications.kinds import Kind

    return [
        Kind(
            "opportunity_interest",
            _("People interested in my opportunities"),
            _("%(actor)s is interested in your opportunity “%(subject)s”"),
            ("opportunity.interested",),
            opportunity_author,
            explicit=True,
        ),
        Kind(
            "opportunity_closed",
            _("Opportunities I answered being closed"),
            _("An opportunity you answered was closed: %(subject)s"),
            ("opportunity.closed",),
            interested_people,
        ),
    ]
