"""Writes for the network: connection requests, following, skill endorsements."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.accounts.models import ProfileSkill
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url, send_templated_mail
from koinon.network.models import Connection, ConnectionStatus, Endorsement, Follow
from koinon.network.policy import pair, shares_community


def _not_self(actor, person, message, code):
    if actor.pk == person.pk:
        raise ActionError(message, code=code)


def _check_not_blocked(actor, person) -> None:
    from koinon.messaging.models import Block  # messaging builds on network, not the reverse

    if Block.objects.filter(
        Q(blocker=actor, blocked=person) | Q(blocker=person, blocked=actor)
    ).exists():
        raise Forbidden(_("You cannot connect with this person."), code="blocked")


@transaction.atomic
def do_request_connection(actor, person, *, message: str = "") -> Connection:
    """Ask `person` to connect; if they had asked `actor` already, this accepts."""
    _not_self(actor, person, _("You cannot connect with yourself."), "self_connection")
    _check_not_blocked(actor, person)
    low, high = pair(actor.pk, person.pk)
    existing = Connection.objects.select_for_update().filter(low_id=low, high_id=high).first()
    if existing is None:
        try:
            with transaction.atomic():
                connection = Connection.objects.create(
                    low_id=low, high_id=high, requested_by=actor, message=message.strip()[:300]
                )
        except IntegrityError as exc:
            raise Conflict(_("A request between you already exists.")) from exc
        log_activity(actor, "network.connection_requested", target=connection)
        _mail_request(actor, person, connection)
        return connection
    if existing.status == ConnectionStatus.ACCEPTED:
        raise Conflict(_("You are already connected."), code="already_connected")
    if existing.requested_by_id == actor.pk:
        raise Conflict(
            _("You have already asked; %(name)s has not accepted yet.")
            % {"name": person.display_name},
            code="already_requested",
        )
    if existing.status == ConnectionStatus.PENDING:
        return _accept(actor, existing)
    # They asked before and `actor` declined; now `actor` asks in turn.
    existing.requested_by, existing.status = actor, ConnectionStatus.PENDING
    existing.message, existing.responded_at = message.strip()[:300], None
    existing.save(update_fields=["requested_by", "status", "message", "responded_at"])
    _mail_request(actor, person, existing)
    return existing


def _mail_request(actor, person, connection) -> None:
    context = {
        "sender": actor,
        "person": person,
        "connection": connection,
        "url": absolute_url("/network/"),
    }
    transaction.on_commit(
        lambda: send_templated_mail(
            person.email, "network/email/connection_request", context, person.language or None
        )
    )


def _accept(actor, connection) -> Connection:
    updated = Connection.objects.filter(pk=connection.pk, status=ConnectionStatus.PENDING).update(
        status=ConnectionStatus.ACCEPTED, responded_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("This request has already been answered."), code="already_answered")
    connection.refresh_from_db()
    log_activity(actor, "network.connection_accepted", target=connection)
    return connection


def _check_recipient(actor, connection) -> None:
    if actor.pk not in (connection.low_id, connection.high_id):
        raise ActionError(_("Not found."), code="not_found", status=404)
    if connection.requested_by_id == actor.pk:
        raise Forbidden(_("Only the person you asked can answer this request."))
    if connection.status != ConnectionStatus.PENDING:
        raise Conflict(_("This request has already been answered."), code="already_answered")


@transaction.atomic
def do_accept_connection(actor, connection) -> Connection:
    _check_recipient(actor, connection)
    return _accept(actor, connection)


@transaction.atomic
def do_decline_connection(actor, connection) -> Connection:
    _check_recipient(actor, connection)
    updated = Connection.objects.filter(pk=connection.pk, status=ConnectionStatus.PENDING).update(
        status=ConnectionStatus.DECLINED, responded_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("This request has already been answered."), code="already_answered")
    connection.refresh_from_db()
    return connection


@transaction.atomic
def do_remove_connection(actor, person) -> None:
    """End a connection, or withdraw one's own pending request."""
    low, high = pair(actor.pk, person.pk)
    mine = Q(status=ConnectionStatus.ACCEPTED) | Q(
        status=ConnectionStatus.PENDING, requested_by=actor
    )
    deleted, _rows = Connection.objects.filter(mine, low_id=low, high_id=high).delete()
    if not deleted:
        raise ActionError(_("You are not connected."), code="not_connected", status=404)
    log_activity(actor, "network.connection_removed", target=person)


@transaction.atomic
def do_follow(actor, person) -> Follow:
    _not_self(actor, person, _("You cannot follow yourself."), "self_follow")
    follow, created = Follow.objects.get_or_create(follower=actor, followed=person)
    if not created:
        raise Conflict(_("You already follow this person."), code="already_following")
    log_activity(actor, "network.followed", target=person)
    return follow


def do_unfollow(actor, person) -> None:
    deleted, _rows = Follow.objects.filter(follower=actor, followed=person).delete()
    if not deleted:
        raise ActionError(_("You do not follow this person."), code="not_following", status=404)


@transaction.atomic
def do_endorse_skill(actor, person, skill) -> Endorsement:
    """Vouch for a skill `person` claims; only people who share a community may."""
    _not_self(actor, person, _("You cannot endorse your own skills."), "self_endorsement")
    if not shares_community(actor, person):
        raise Forbidden(
            _("You can endorse people who share a community with you."), code="no_shared_community"
        )
    if not ProfileSkill.objects.filter(user=person, skill=skill).exists():
        raise ActionError(
            _("%(name)s does not list this skill.") % {"name": person.display_name},
            code="skill_not_held",
            field="skill",
        )
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(endorser=actor, person=person, skill=skill)
    except IntegrityError as exc:
        raise Conflict(_("You have already endorsed this skill."), code="already_endorsed") from exc
    log_activity(actor, "network.skill_endorsed", target=person, skill=skill.name)
    return endorsement


def do_withdraw_endorsement(actor, person, skill) -> None:
    deleted, _rows = Endorsement.objects.filter(endorser=actor, person=person, skill=skill).delete()
    if not deleted:
        raise ActionError(_("You have not endorsed this skill."), code="not_endorsed", status=404)
