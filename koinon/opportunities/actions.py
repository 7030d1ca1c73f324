"""Every write on opportunities: publish, edit, close, and "I'm interested"."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url
from koinon.lib.markdown import render_markdown
from koinon.opportunities import policy, search
from koinon.opportunities.models import (
    DESCRIPTION_MAX_LENGTH,
    INTEREST_NOTE_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Interest,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from koinon.search.index import index_item, unindex_item

EDITABLE_FIELDS = ("kind", "title", "description", "location", "remote", "expires_on")
MAX_AHEAD = datetime.timedelta(days=2 * 366)


def _not_found():
    return ActionError(_("Not found."), code="not_found", status=404)


def _check_unknown(fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(
            _("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="unknown_fields"
        )


def _clean(fields: dict) -> dict:
    """Trim and check the fields given; raise an ActionError naming the first bad one."""
    fields = dict(fields)
    if "kind" in fields and fields["kind"] not in OpportunityKind.values:
        raise ActionError(_("Choose a kind of opportunity."), field="kind", code="invalid_kind")
    for name, most in (
        ("title", TITLE_MAX_LENGTH),
        ("description", DESCRIPTION_MAX_LENGTH),
        ("location", LOCATION_MAX_LENGTH),
    ):
        if name not in fields:
            continue
        value = (fields[name] or "").strip()
        if name in ("title", "description") and not value:
            message = (
                _("Give the opportunity a title.")
                if name == "title"
                else _("Describe the opportunity.")
            )
            raise ActionError(message, field=name, code="required")
        if len(value) > most:
            raise ActionError(
                _("At most %(n)s characters.") % {"n": f"{most:,}"}, field=name, code="too_long"
            )
        fields[name] = value
    if "remote" in fields:
        fields["remote"] = bool(fields["remote"])
    if "expires_on" in fields:
        expires = fields["expires_on"]
        if isinstance(expires, datetime.datetime):
            expires = expires.date()
        if not isinstance(expires, datetime.date):
            raise ActionError(
                _("Give the last day on which people can answer."),
                field="expires_on",
                code="required",
            )
        today = timezone.localdate()
        if expires < today:
            raise ActionError(
                _("The expiry date is in the past: choose today or a later day."),
                field="expires_on",
                code="expiry_in_past",
            )
        if expires > today + MAX_AHEAD:
            raise ActionError(
                _("An opportunity can stay open for at most two years."),
                field="expires_on",
                code="expiry_too_far",
            )
        fields["expires_on"] = expires
    return fields


def _index(opportunity: Opportunity) -> None:
    """Keep the one search in step: live opportunities are found, others are not."""
    fields = search.fields_for(opportunity)
    if fields is None:
        unindex_item(opportunity)
    else:
        index_item(opportunity, **fields)


def _after_commit_index(opportunity):
    transaction.on_commit(lambda: _index(opportunity))


@transaction.atomic
def do_create_opportunity(actor, community, *, group=None, project=None, **fields) -> Opportunity:
    """Publish an opportunity in `community` (a group's, or a project's call for partners)."""
    access = access_for(actor, community)
    if not policy.can_read_community(access):
        raise _not_found()
    if group is not None and group.community_id != community.pk:
        raise ActionError(_("This group is not in this community."), field="group")
    if project is not None:
        from koinon.projects import policy as project_policy

        if project.community_id != community.pk:
            raise ActionError(_("This project is not in this community."), field="project")
        if not project_policy.can_manage(access, project):
            raise Forbidden(_("Only the project's leads can publish its call for partners."))
        fields["kind"] = OpportunityKind.CALL_FOR_PARTNERS
    if not policy.can_create(access, group):
        if group is not None and access.is_member:
            raise Forbidden(_("Join the group to publish an opportunity in it."))
        raise Forbidden(_("Join the community to publish an opportunity in it."))
    _check_unknown(fields)
    required = ("kind", "title", "description", "expires_on")
    missing = [name for name in required if name not in fields]
    if missing:
        raise ActionError(_("This field is required."), field=missing[0], code="required")
    fields = _clean(fields)
    opportunity = Opportunity(
        community=community, group=group, project=project, author=actor, **fields
    )
    opportunity.description_html = render_markdown(opportunity.description)
    opportunity.save()
    log_activity(
        actor,
        "opportunity.created",
        community=community,
        target=opportunity,
        kind=opportunity.kind,
        **({"project_id": project.pk} if project is not None else {}),
    )
    _after_commit_index(opportunity)
    return opportunity


@transaction.atomic
def do_update_opportunity(actor, opportunity: Opportunity, **fields) -> Opportunity:
    access = access_for(actor, opportunity.community)
    if not policy.can_edit(access, opportunity):
        raise Forbidden(_("Only the author can edit this opportunity."))
    _check_unknown(fields)
    opportunity = (
        Opportunity.objects.select_for_update().select_related("community").get(pk=opportunity.pk)
    )
    if opportunity.is_closed:
        raise Conflict(_("This opportunity is closed: it can no longer be edited."), code="closed")
    if opportunity.project_id and fields.get("kind", opportunity.kind) != opportunity.kind:
        raise ActionError(
            _("A project's call for partners keeps its kind."), field="kind", code="invalid_kind"
        )
    fields = {k: v for k, v in fields.items() if getattr(opportunity, k) != v}
    fields = _clean(fields)
    if not fields:
        return opportunity
    for name, value in fields.items():
        setattr(opportunity, name, value)
    if "description" in fields:
        opportunity.description_html = render_markdown(opportunity.description)
    opportunity.save()
    log_activity(
        actor,
        "opportunity.edited",
        community=opportunity.community,
        target=opportunity,
        fields=sorted(fields),
    )
    _after_commit_index(opportunity)
    return opportunity


@transaction.atomic
def do_close_opportunity(actor, opportunity: Opportunity) -> Opportunity:
    """The author (or a moderator) closes it: it leaves the lists and the search."""
    access = access_for(actor, opportunity.community)
    if not (policy.can_edit(access, opportunity) or access.is_moderator):
        raise Forbidden(_("Only the author or a moderator can close this opportunity."))
    opportunity = (
        Opportunity.objects.select_for_update().select_related("community").get(pk=opportunity.pk)
    )
    if opportunity.is_closed:
        raise Conflict(_("This opportunity is already closed."), code="already_closed")
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    log_activity(actor, "opportunity.closed", community=opportunity.community, target=opportunity)
    _after_commit_index(opportunity)
    return opportunity


def _first_message(opportunity: Opportunity, note: str) -> str:
    author = opportunity.author
    with translation.override(author.language or None):
        intro = _("I'm interested in your opportunity “%(title)s”.") % {"title": opportunity.title}
        label = _("See the opportunity")
        link = f"[{label}]({absolute_url(opportunity.get_absolute_url())})"
    parts = [intro]
    if note:
        parts.append(note)
    parts.append(link)
    return "\n\n".join(parts)


@transaction.atomic
def do_express_interest(actor, opportunity: Opportunity, note: str = "") -> Interest:
    """Record `actor`'s interest and open a conversation with the author about it."""
    from koinon.messaging.actions import do_start_conversation

    if not (actor and actor.is_authenticated):
        raise Forbidden(_("Sign in to answer an opportunity."), code="login_required")
    access = access_for(actor, opportunity.community)
    if not policy.can_read_community(access):
        raise _not_found()
    if policy.is_author(access, opportunity):
        raise ActionError(
            _("This is your own opportunity: people interested in it will write to you."),
            code="own_opportunity",
        )
    opportunity = Opportunity.objects.select_related("community", "author").get(pk=opportunity.pk)
    if opportunity.is_closed:
        raise Conflict(_("This opportunity is closed: it no longer takes answers."), code="closed")
    if opportunity.is_expired:
        raise Conflict(_("This opportunity expired: it no longer takes answers."), code="expired")
    if opportunity.author is None or not opportunity.author.is_active:
        raise Conflict(
            _("The author of this opportunity can no longer be reached."), code="author_gone"
        )
    note = (note or "").strip()
    if len(note) > INTEREST_NOTE_MAX_LENGTH:
        raise ActionError(
            _("At most %(n)s characters.") % {"n": f"{INTEREST_NOTE_MAX_LENGTH:,}"},
            field="note",
            code="too_long",
        )
    if Interest.objects.filter(opportunity=opportunity, user=actor).exists():
        raise Conflict(
            _("You already said you are interested: the conversation is in your messages."),
            code="already_interested",
        )
    conversation = do_start_conversation(
        actor,
        [opportunity.author],
        subject=opportunity.title,
        first_message=_first_message(opportunity, note),
        invited_by_recipient=opportunity,
    )
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                opportunity=opportunity, user=actor, conversation=conversation
            )
    except IntegrityError as exc:  # a second click at the same moment
        raise Conflict(
            _("You already said you are interested: the conversation is in your messages."),
            code="already_interested",
        ) from exc
    log_activity(
        actor,
        "opportunity.interested",
        community=opportunity.community,
        target=opportunity,
        is_private=True,
        user_id=opportunity.author_id,
    )
    return interest


def unindex_expired(today=None) -> int:
    """Remove from the search every opportunity that expired (closed ones already are)."""
    expired = Opportunity.objects.filter(
        status=OpportunityStatus.OPEN, expires_on__lt=today or timezone.localdate()
    )
    count = 0
    for opportunity in expired.iterator():
        unindex_item(opportunity)
        count += 1
    return count
