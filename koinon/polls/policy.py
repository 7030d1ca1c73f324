"""Who may add, vote in, close a poll, and see who voted."""

from koinon.communities.policy import Access
from koinon.discussions import policy as discussions


def can_read(access: Access, topic) -> bool:
    return discussions.can_read(access, topic)


def can_manage(access: Access, topic) -> bool:
    """Add a poll to a topic, or close it: the topic's author or a moderator."""
    if access.is_moderator:
        return True
    return access.is_member and discussions.is_self(access, topic.author_id)


def can_vote(access: Access, poll, now=None) -> bool:
    if discussions.hidden_from(access, poll.topic):  # hidden pending review
        return False
    return access.is_member and not poll.topic.archived and not poll.is_closed(now)


def shows_voters(poll) -> bool:
    return poll.public_voters
