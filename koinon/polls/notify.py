"""The notification kind for polls opening and closing (registered in notifications/kinds.py)."""

from django.utils.translation import gettext_lazy as _


def poll_followers(entry, target):
    """Opening: who watches the topic. Closing: them and everyone who voted."""
    from koinon.discussions.models import Level, TopicState

    if target is None:
        return []
    states = TopicState.objects.filter(topic_id=target.topic_id)
    people = set(states.filter(level=Level.WATCH).values_list("user_id", flat=True))
    if entry.verb == "poll.closed":
        people |= set(target.votes.values_list("user_id", flat=True))
    return people - set(states.filter(level=Level.MUTE).values_list("user_id", flat=True))


def poll_kinds() -> list:
    from koinon.notifications.kinds import Kind

    return [
        Kind(
            "poll",
            _("Polls opening and closing in topics I follow"),
            _("A poll opened in “%(subject)s”"),
            ("poll.opened", "poll.closed"),
            poll_followers,
            sentences={"poll.closed": _("A poll closed in “%(subject)s”: see the results")},
        ),
    ]
