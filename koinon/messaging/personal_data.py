"""Direct messages in a person's data export and erasure.

Hooks found by `koinon.lib.personal_data` (`export` and `erase` below). Other people
are not named: a conversation appears by id and subject, with the person's own
messages only.
"""

from django.utils import timezone

from koinon.messaging.models import Block, Message, Participant
from koinon.messaging.policy import forget_unread


def _dt(value):
    return value.isoformat() if value else None


def export_messages(user) -> dict:
    rows = Participant.objects.filter(user=user).select_related("conversation")
    own = Message.objects.filter(author=user).order_by("conversation_id", "created_at")
    return {
        "conversations": [
            {
                "id": r.conversation_id,
                "subject": r.conversation.subject,
                "joined_at": _dt(r.joined_at),
                "left_at": _dt(r.left_at),
                "muted": r.muted,
            }
            for r in rows
        ],
        "messages_written": [
            {"conversation": m.conversation_id, "body": m.body, "created_at": _dt(m.created_at)}
            for m in own
        ],
        "people_blocked": Block.objects.filter(blocker=user).count(),
    }


def erase_messaging(user) -> None:
    """Leave every conversation and drop blocks. Messages stay with the other
    participants, signed "Former member" (the account's name is already gone)."""
    Participant.objects.filter(user=user, left_at__isnull=True).update(left_at=timezone.now())
    forget_unread([user.pk])
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()


export = export_messages
erase = erase_messaging
