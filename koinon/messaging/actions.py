"""Writes for direct messages: start, send, read, mute, leave, block, report."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.accounts.models import User
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url, send_templated_mail
from koinon.lib.markdown import render_markdown
from koinon.messaging import limits, policy
from koinon.messaging.models import (
    BODY_MAX_LENGTH,
    MAX_PARTICIPANTS,
    SUBJECT_MAX_LENGTH,
    Block,
    Conversation,
    Message,
    Participant,
    Report,
    ReportStatus,
)
from koinon.network.policy import co_member_ids, connected_id_set


def clean_body(body) -> str:
    body = (body or "").strip()
    if not body:
        raise ActionError(_("Write a message."), field="body", code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ActionError(
            _("A message can be at most %(max)s characters long (this one has %(n)s).")
            % {"max": f"{BODY_MAX_LENGTH:,}", "n": f"{len(body):,}"},
            field="body",
            code="too_long",
        )
    return body


def _recipients(actor, participants) -> list[User]:
    ids = {getattr(p, "pk", p) for p in participants} - {actor.pk}
    if not ids:
        raise ActionError(
            _("Choose at least one person to write to."), field="participants", code="required"
        )
    if len(ids) + 1 > MAX_PARTICIPANTS:
        raise ActionError(
            _("A conversation can have at most %(n)s people, you included.")
            % {"n": MAX_PARTICIPANTS},
            field="participants",
            code="too_many_participants",
        )
    people = list(
        User.objects.filter(pk__in=ids, is_active=True, erased_at__isnull=True).select_related(
            "profile"
        )
    )
    if len(people) != len(ids):
        raise ActionError(
            _("Some of these people cannot be found."), field="participants", code="unknown"
        )
    return people


def _check_blocks(actor, other_ids) -> None:
    for block in policy.blocks_between(actor, other_ids):
        if block.blocker_id == actor.pk:
            raise Forbidden(
                _("You have blocked %(name)s: unblock them to write to them.")
                % {"name": block.blocked.display_name},
                code="you_blocked",
            )
        raise Forbidden(
            _("%(name)s does not accept messages from you.") % {"name": block.blocker.display_name},
            code="blocked",
        )


def _check_contact(actor, people) -> None:
    reachable = set(
        User.objects.filter(pk__in=[p.pk for p in people], id__in=co_member_ids(actor)).values_list(
            "pk", flat=True
        )
    )
    missing = [p for p in people if p.pk not in reachable]
    if missing:
        connected = connected_id_set(actor)
        missing = [p for p in missing if p.pk not in connected]
    if missing:
        raise Forbidden(
            _("You can write to %(name)s once you share a community or are connected.")
            % {"name": missing[0].display_name},
            code="not_contactable",
            field="participants",
        )


@transaction.atomic
def do_start_conversation(
    actor, participants, *, subject="", first_message, invited_by_recipient=None
) -> Conversation:
    """Open a conversation between `actor` and `participants` (users or ids) with a
    first message.

    Other apps call this too. When the recipients asked to be contacted about
    something `actor` may see (e.g. "I'm interested" on an opportunity whose author
    is `participants`), pass that thing as `invited_by_recipient`: the rule "share a
    community or be connected" is then waived, but blocks and the first-contact
    limit still apply, and the activity log records what invited the contact.
    """
    subject = (subject or "").strip()[:SUBJECT_MAX_LENGTH]
    body = clean_body(first_message)
    people = _recipients(actor, participants)
    _check_blocks(actor, [p.pk for p in people])
    if invited_by_recipient is None:
        _check_contact(actor, people)
    limits.check_first_contact(actor)
    now = timezone.now()
    conversation = Conversation.objects.create(
        subject=subject, created_by=actor, last_message_at=now
    )
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, user=actor, last_read_at=now)]
        + [Participant(conversation=conversation, user=p) for p in people]
    )
    Message.objects.create(
        conversation=conversation, author=actor, body=body, body_html=render_markdown(body)
    )
    policy.forget_unread([actor.pk, *(p.pk for p in people)])
    about = {}
    if invited_by_recipient is not None:
        about = {"about": f"{invited_by_recipient._meta.label_lower}:{invited_by_recipient.pk}"}
    log_activity(
        actor, "messaging.conversation_started", target=conversation, is_private=True, **about
    )
    transaction.on_commit(lambda: _mail_new_conversation(actor, conversation, people))
    return conversation


def _mail_new_conversation(sender, conversation, people) -> None:
    """Tell each recipient, without the message itself (it stays in Koinon)."""
    context = {
        "sender": sender,
        "conversation": conversation,
        "url": absolute_url(conversation.get_absolute_url()),
    }
    for person in people:
        send_templated_mail(
            person.email, "messaging/email/new_conversation", context, person.language or None
        )


@transaction.atomic
def do_send_message(actor, conversation, body) -> Message:
    body = clean_body(body)
    others = list(
        Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        .exclude(user=actor)
        .values_list("user_id", flat=True)
    )
    if not Participant.objects.filter(
        conversation=conversation, user=actor, left_at__isnull=True
    ).exists():
        raise Forbidden(_("You are not part of this conversation."))
    if not others:
        raise ActionError(_("Everyone else has left this conversation."), code="conversation_empty")
    _check_blocks(actor, others)
    message = Message.objects.create(
        conversation=conversation, author=actor, body=body, body_html=render_markdown(body)
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    Participant.objects.filter(conversation=conversation, user=actor).update(
        last_read_at=message.created_at
    )
    policy.forget_unread([actor.pk, *others])
    # The log names the conversation only: the text never leaves it.
    log_activity(actor, "messaging.message_sent", target=conversation, is_private=True)
    return message


def do_resolve_report(actor, report) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only the platform's staff handle reports."))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RESOLVED)
    log_activity(actor, "messaging.report_resolved", target=report, is_private=True)


def do_mark_read(actor, conversation) -> None:
    Participant.objects.filter(conversation=conversation, user=actor).update(
        last_read_at=timezone.now()
    )
    policy.forget_unread([actor.pk])


def do_mute_conversation(actor, conversation, muted: bool = True) -> None:
    Participant.objects.filter(conversation=conversation, user=actor).update(muted=muted)
    policy.forget_unread([actor.pk])


@transaction.atomic
def do_leave_conversation(actor, conversation) -> None:
    Participant.objects.filter(conversation=conversation, user=actor, left_at__isnull=True).update(
        left_at=timezone.now()
    )
    policy.forget_unread([actor.pk])
    log_activity(actor, "messaging.conversation_left", target=conversation, is_private=True)


@transaction.atomic
def do_block_person(actor, person) -> Block:
    if person.pk == actor.pk:
        raise ActionError(_("You cannot block yourself."), code="self_block")
    block, created = Block.objects.get_or_create(blocker=actor, blocked=person)
    if not created:
        raise Conflict(_("You have already blocked this person."), code="already_blocked")
    log_activity(actor, "messaging.person_blocked", target=person, is_private=True)
    return block


def do_unblock_person(actor, person) -> None:
    deleted, _rows = Block.objects.filter(blocker=actor, blocked=person).delete()
    if not deleted:
        raise ActionError(_("You have not blocked this person."), code="not_blocked", status=404)


@transaction.atomic
def do_report_conversation(actor, conversation, *, reason, message=None) -> Report:
    """A participant shows the conversation, or one message of it, to the staff."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say briefly what is wrong."), field="reason", code="required")
    if len(reason) > 2000:
        raise ActionError(
            _("Keep the reason under 2,000 characters."), field="reason", code="too_long"
        )
    if message is not None and message.conversation_id != conversation.pk:
        raise ActionError(_("This message is not in this conversation."), code="invalid")
    report = Report.objects.create(
        reporter=actor, conversation=conversation, message=message, reason=reason
    )
    log_activity(actor, "messaging.reported", target=report, is_private=True)
    return report
