"""Who may write to whom, and who may read what.

1. A person may start a conversation with people who share a community with
   them or are connected to them, unless either has blocked the other.
2. Only active participants (who have not left) see a conversation: no one
   else, staff and moderators included, gets anything but a 404.
3. Platform staff see a message only once a participant reported it (or
   reported the whole conversation: then the messages up to the report).
"""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from koinon.accounts.models import User
from koinon.lib import person_counts
from koinon.messaging.models import Block, Conversation, Message, Participant, Report
from koinon.network.models import Connection, ConnectionStatus
from koinon.network.policy import co_member_ids


def _active_people():
    return User.objects.filter(is_active=True, erased_at__isnull=True)


def contactable_people(user):
    """People `user` may start a conversation with (blocks either way excluded)."""
    accepted = Connection.objects.filter(status=ConnectionStatus.ACCEPTED)
    connected = Q(Exists(accepted.filter(low=user, high=OuterRef("pk")))) | Q(
        Exists(accepted.filter(high=user, low=OuterRef("pk")))
    )
    return (
        _active_people()
        .filter(Q(pk__in=co_member_ids(user)) | connected)
        .exclude(pk=user.pk)
        .exclude(pk__in=Block.objects.filter(blocker=user).values("blocked_id"))
        .exclude(pk__in=Block.objects.filter(blocked=user).values("blocker_id"))
    )


def blocks_between(user, other_ids) -> list[Block]:
    """Blocks in either direction between `user` and any of `other_ids`."""
    return list(
        Block.objects.filter(
            Q(blocker=user, blocked_id__in=other_ids) | Q(blocked=user, blocker_id__in=other_ids)
        ).select_related("blocker__profile", "blocked__profile")
    )


def has_blocked(blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def visible_conversations_for(user):
    if not (user and user.is_authenticated):
        return Conversation.objects.none()
    mine = Participant.objects.filter(conversation=OuterRef("pk"), user=user, left_at__isnull=True)
    return Conversation.objects.filter(Exists(mine))


def get_conversation_for(user, pk) -> tuple[Conversation, Participant]:
    """The conversation and the caller's own participant row; 404 for anyone else."""
    if not (user and user.is_authenticated):
        raise Http404
    row = (
        Participant.objects.select_related("conversation")
        .filter(conversation_id=pk, user=user, left_at__isnull=True)
        .first()
    )
    if row is None:
        raise Http404
    return row.conversation, row


def _unread_filter(user) -> Q:
    after_read = Q(conversation__messages__created_at__gt=F("last_read_at"))
    return (Q(last_read_at__isnull=True) | after_read) & ~Q(conversation__messages__author=user)


UNREAD = "unread-messages"


def unread_count(user) -> int:
    """Unread messages in the person's conversations that are not muted: one query, or
    none while the figure is kept (every change forgets it, see koinon.lib.person_counts)."""
    if not (user and user.is_authenticated):
        return 0

    def count():
        rows = Participant.objects.filter(user=user, left_at__isnull=True, muted=False)
        unread = Count("conversation__messages", filter=_unread_filter(user))
        return rows.aggregate(n=unread)["n"]

    return person_counts.kept(UNREAD, user.pk, count)


def forget_unread(user_ids) -> None:
    person_counts.forget(UNREAD, user_ids)


def inbox(user):
    """The person's participant rows, newest conversation first, with unread counts,
    the last message's excerpt and the other participants (three queries in all)."""
    last = Message.objects.filter(conversation=OuterRef("conversation")).order_by(
        "-created_at", "-id"
    )
    others = Participant.objects.exclude(user=user).select_related("user__profile")
    return (
        Participant.objects.filter(user=user, left_at__isnull=True)
        .select_related("conversation")
        .annotate(
            unread=Count("conversation__messages", filter=_unread_filter(user)),
            last_body=Subquery(last.values("body")[:1]),
            last_author_id=Subquery(last.values("author_id")[:1]),
        )
        .prefetch_related(
            Prefetch("conversation__participant_rows", queryset=others, to_attr="others")
        )
        .order_by(F("conversation__last_message_at").desc(nulls_last=True), "-conversation_id")
    )


def read_receipts(conversation, viewer) -> list[Participant]:
    """The other participants with when they last read, hiding those who blocked `viewer`."""
    blocked_me = Block.objects.filter(blocker=OuterRef("user"), blocked=viewer)
    return list(
        Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        .exclude(user=viewer)
        .exclude(Exists(blocked_me))
        .select_related("user__profile")
        .order_by("user__profile__display_name")
    )


def reported_messages_for_staff(user):
    """Messages platform staff may read: reported ones, or a reported conversation's
    messages written up to the report. Everyone else: none."""
    if not (user and user.is_authenticated and user.is_staff):
        return Message.objects.none()
    direct = Report.objects.filter(message=OuterRef("pk"))
    whole = Report.objects.filter(
        conversation=OuterRef("conversation"),
        message__isnull=True,
        created_at__gte=OuterRef("created_at"),
    )
    return Message.objects.filter(Q(Exists(direct)) | Q(Exists(whole)))
