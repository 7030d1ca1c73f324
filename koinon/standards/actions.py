"""Every write on standards: drafting and versions, comments, amendments, review, vote.

Each action checks the standards policy, runs in one transaction and appends to the
activity log. While a ratification vote is open the text is frozen: edits, restores
and accepted amendments are refused. A vote's result is computed once, when it
closes (by the drafters, or lazily once its end has passed), and never changes.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from koinon.communities.models import Group, Membership
from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.markdown import render_markdown
from koinon.library.actions import clean_text
from koinon.standards import policy, sections
from koinon.standards.models import (
    AMENDMENT_MAX_LENGTH,
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Amendment,
    AmendmentStatus,
    Ballot,
    BallotResult,
    Choice,
    SectionComment,
    Standard,
    StandardKind,
    StandardStatus,
    StandardVersion,
    Vote,
)

MAX_VOTE_DAYS = 90
MAX_REVIEW_DAYS = 365


class EditConflict(Conflict):
    """Someone saved the standard since the editor opened it; `current` is their version."""

    def __init__(self, current: StandardVersion):
        super().__init__(
            _(
                "Someone else saved a new version (%(number)s) while you were editing. "
                "Your text is kept below: compare it with theirs, then save again."
            )
            % {"number": current.number},
            code="edit_conflict",
        )
        self.current = current


def frozen_error() -> Conflict:
    return Conflict(_("The text is frozen while the ratification vote is open."), code="frozen")


def _require(allowed: bool, message):
    if not allowed:
        raise Forbidden(message)


def _check_choice(value, choices, field):
    if value not in choices.values:
        raise ActionError(_("Please choose a valid option."), field=field, code="invalid_choice")


def _own_group(community, group, field="group"):
    if group is not None and (not isinstance(group, Group) or group.community_id != community.pk):
        raise ActionError(
            _("Choose a group of this community."), field=field, code="invalid_choice"
        )
    return group


# --- Search ------------------------------------------------------------------------------


def reindex(standard) -> None:
    """Standards under review, being voted on or ratified are found by every member."""
    from koinon.search.items import sync

    sync(standard)


# --- Drafting ----------------------------------------------------------------------------


RESERVED_SLUGS = {"new"}


def _unique_slug(community, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "standard"
    slug, n = base, 2
    while (
        slug in RESERVED_SLUGS or Standard.objects.filter(community=community, slug=slug).exists()
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean(title, summary, body, note) -> dict:
    return {
        "title": clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        "summary": clean_text(summary, "summary", SUMMARY_MAX_LENGTH, required=False),
        "body": clean_text(body, "body", BODY_MAX_LENGTH),
        "note": clean_text(note, "note", NOTE_MAX_LENGTH, required=False, one_line=True),
    }


def _snapshot(standard, author, note="", amendment=None, restored_from=None):
    return StandardVersion.objects.create(
        standard=standard,
        number=standard.version,
        title=standard.title,
        summary=standard.summary,
        body=standard.body,
        author=author,
        note=note,
        amendment=amendment,
        restored_from=restored_from,
        created_at=standard.updated_at,
    )


@transaction.atomic
def do_create_standard(
    actor,
    community,
    *,
    title,
    body,
    summary="",
    kind=StandardKind.STANDARD,
    group=None,
    eligible_group=None,
    note="",
    origin_topic=None,
    origin_practice=None,
) -> Standard:
    access = access_for(actor, community)
    _require(policy.can_draft(access), _("Only members can draft standards."))
    _check_choice(kind, StandardKind, "kind")
    data = _clean(title, summary, body, note)
    note = data.pop("note")
    _own_group(community, group)
    _own_group(community, eligible_group, "eligible_group")
    if origin_topic is not None and origin_topic.community_id != community.pk:
        raise ActionError(_("This discussion belongs to another community."), code="invalid")
    if origin_practice is not None and origin_practice.community_id != community.pk:
        raise ActionError(_("This practice belongs to another community."), code="invalid")
    standard = Standard.objects.create(
        community=community,
        kind=kind,
        slug=_unique_slug(community, data["title"]),
        body_html=render_markdown(data["body"]),
        group=group,
        eligible_group=eligible_group,
        origin_topic=origin_topic,
        origin_practice=origin_practice,
        created_by=actor,
        **data,
    )
    standard.drafters.add(actor)
    _snapshot(standard, actor, note)
    log_activity(
        actor,
        "standard.created",
        community=community,
        target=standard,
        title=standard.title,
        kind=kind,
        topic_id=origin_topic.pk if origin_topic else None,
        practice_id=origin_practice.pk if origin_practice else None,
    )
    return standard


def draft_from_topic(topic) -> dict:
    """A first draft's fields from a discussion: its question, then its best answer."""
    opening = topic.posts.filter(is_opening=True, deleted_at__isnull=True).first()
    parts = ["## " + _("Context"), "", opening.body if opening else ""]
    if topic.accepted_answer_id and topic.accepted_answer.deleted_at is None:
        parts += ["", "## " + _("Proposal"), "", topic.accepted_answer.body]
    return {
        "title": topic.title,
        "summary": "",
        "body": "\n".join(parts).strip(),
        "note": _("First draft from the discussion “%(title)s”") % {"title": topic.title},
    }


def draft_from_practice(practice) -> dict:
    parts = []
    if practice.when_to_use:
        parts += ["## " + _("Scope"), "", practice.when_to_use, ""]
    parts += [practice.body]
    return {
        "title": practice.title,
        "summary": practice.summary,
        "body": "\n".join(parts).strip(),
        "note": _("Proposed from the practice “%(title)s” (version %(n)s)")
        % {"title": practice.title, "n": practice.version},
    }


def _lock(standard) -> Standard:
    return (
        Standard.objects.select_for_update(of=("self",))
        .select_related("community", "group", "eligible_group")
        .get(pk=standard.pk)
    )


def _copy(source, target):
    for field in (
        "title",
        "summary",
        "body",
        "body_html",
        "version",
        "updated_at",
        "status",
        "kind",
        "ratified_version",
        "ratified_at",
        "review_opens_at",
        "review_closes_at",
        "eligible_group_id",
    ):
        setattr(target, field, getattr(source, field))
    target.__dict__.pop("_drafter_ids", None)


def _save_version(actor, locked, data, note, amendment=None, restored_from=None):
    for name, value in data.items():
        setattr(locked, name, value)
    locked.body_html = render_markdown(locked.body)
    locked.version += 1
    locked.updated_at = timezone.now()
    if locked.status == StandardStatus.RATIFIED:
        locked.status = StandardStatus.DRAFT  # a revision of the ratified text begins
    locked.save()
    version = _snapshot(locked, actor, note, amendment, restored_from)
    reindex(locked)
    return version


@transaction.atomic
def do_edit_standard(
    actor, standard, *, base_version: int, title, body, summary="", kind=None, note=""
) -> Standard:
    """Save a new version; refused with `EditConflict` if `base_version` is not the latest."""
    access = access_for(actor, standard.community)
    _require(
        policy.can_edit(access, standard),
        _("Only the drafters or the moderators can edit this text."),
    )
    data = _clean(title, summary, body, note)
    note = data.pop("note")
    if kind is not None:
        _check_choice(kind, StandardKind, "kind")
        data["kind"] = kind
    locked = _lock(standard)
    if locked.is_frozen:
        raise frozen_error()
    if base_version != locked.version:
        raise EditConflict(locked.versions.get(number=locked.version))
    if all(getattr(locked, name) == value for name, value in data.items()):
        raise ActionError(_("Nothing changed: there is no new version to save."), code="unchanged")
    _save_version(actor, locked, data, note)
    log_activity(
        actor,
        "standard.revised",
        community=locked.community,
        target=locked,
        version=locked.version,
        note=note,
    )
    _copy(locked, standard)
    return standard


@transaction.atomic
def do_restore_version(actor, standard, number: int) -> Standard:
    access = access_for(actor, standard.community)
    _require(
        policy.can_edit(access, standard),
        _("Only the drafters or the moderators can edit this text."),
    )
    locked = _lock(standard)
    if locked.is_frozen:
        raise frozen_error()
    old = locked.versions.filter(number=number).first()
    if old is None:
        raise ActionError(_("There is no such version."), code="not_found", status=404)
    if number == locked.version:
        raise ActionError(_("This is already the current version."), code="unchanged")
    data = {"title": old.title, "summary": old.summary, "body": old.body}
    note = _("Restored version %(number)s") % {"number": number}
    _save_version(actor, locked, data, note, restored_from=number)
    log_activity(
        actor,
        "standard.restored",
        community=locked.community,
        target=locked,
        version=locked.version,
        restored_from=number,
    )
    _copy(locked, standard)
    return standard


@transaction.atomic
def do_add_drafter(actor, standard, email: str):
    access = access_for(actor, standard.community)
    _require(policy.can_edit(access, standard), _("Only the drafters or moderators can do this."))
    user = (
        get_user_model().objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    )
    if (
        user is None
        or not Membership.objects.filter(community=standard.community, user=user).exists()
    ):
        raise ActionError(
            _("No member of this community has this e-mail address."),
            field="email",
            code="not_member",
        )
    standard.drafters.add(user)
    standard.__dict__.pop("_drafter_ids", None)
    log_activity(
        actor,
        "standard.drafter_added",
        community=standard.community,
        target=standard,
        user_id=user.pk,
    )
    return user


# --- Comments and amendments -----------------------------------------------------------


def _section(standard, key) -> sections.Section:
    section = sections.find(standard.body, (key or "").strip())
    if section is None:
        raise ActionError(
            _("This section is not in the current text."), field="section", code="no_section"
        )
    return section


@transaction.atomic
def do_comment(actor, standard, *, section: str, body: str) -> SectionComment:
    access = access_for(actor, standard.community)
    _require(policy.can_comment(access, standard), _("Only members can comment."))
    body = clean_text(body, "body", COMMENT_MAX_LENGTH)
    found = _section(standard, section)
    comment = SectionComment.objects.create(
        standard=standard,
        section=found.key,
        section_title=sections.label(found)[:300],
        version=standard.version,
        author=actor,
        body=body,
    )
    log_activity(
        actor,
        "standard.commented",
        community=standard.community,
        target=standard,
        section=found.key,
        comment_id=comment.pk,
    )
    return comment


def check_review_window(standard, now=None):
    """Amendments are taken while drafting, and during the review period once one is set."""
    now = now or timezone.now()
    if standard.status not in (StandardStatus.DRAFT, StandardStatus.REVIEW):
        if standard.is_frozen:
            raise frozen_error()
        raise ActionError(
            _("Amendments are taken while the text is a draft or under review."),
            code="not_in_review",
        )
    if standard.status == StandardStatus.REVIEW and not (
        standard.review_opens_at <= now < standard.review_closes_at
    ):
        raise ActionError(
            _("The review period runs from %(start)s to %(end)s: amendments are taken only then.")
            % {
                "start": timezone.localtime(standard.review_opens_at).strftime("%Y-%m-%d"),
                "end": timezone.localtime(standard.review_closes_at).strftime("%Y-%m-%d"),
            },
            code="outside_review",
        )


@transaction.atomic
def do_propose_amendment(actor, standard, *, section: str, text: str, rationale: str):
    access = access_for(actor, standard.community)
    _require(
        policy.is_eligible(access, standard),
        _("Only the members eligible to ratify this text can propose amendments."),
    )
    check_review_window(standard)
    text = clean_text(text, "text", AMENDMENT_MAX_LENGTH)
    rationale = clean_text(rationale, "rationale", COMMENT_MAX_LENGTH)
    found = _section(standard, section)
    if text == found.text.strip():
        raise ActionError(
            _("The proposed text is the same as the current one."), field="text", code="unchanged"
        )
    amendment = Amendment.objects.create(
        standard=standard,
        section=found.key,
        section_title=sections.label(found)[:300],
        base_version=standard.version,
        original_text=found.text.strip(),
        text=text,
        rationale=rationale,
        author=actor,
    )
    log_activity(
        actor,
        "standard.amendment_proposed",
        community=standard.community,
        target=standard,
        amendment_id=amendment.pk,
        section=found.key,
    )
    return amendment


@transaction.atomic
def do_decide_amendment(actor, amendment, *, accept: bool, reason: str = "") -> Amendment:
    """Accept (the section is replaced, as a new version) or reject, always with a reason."""
    standard = amendment.standard
    access = access_for(actor, standard.community)
    _require(
        policy.can_edit(access, standard),
        _("Only the drafters or the moderators can decide amendments."),
    )
    reason = clean_text(reason, "reason", NOTE_MAX_LENGTH, required=not accept, one_line=True)
    locked_amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if locked_amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("This amendment has already been decided."), code="already_decided")
    locked = _lock(standard)
    if accept:
        if locked.is_frozen:
            raise frozen_error()
        current = sections.find(locked.body, amendment.section)
        if current is None or current.text.strip() != amendment.original_text:
            raise Conflict(
                _(
                    "The section has changed since this amendment was proposed: "
                    "reject it with a reason, or edit the text by hand."
                ),
                code="section_changed",
            )
        body = sections.replace(locked.body, amendment.section, amendment.text)
        note = _("Amendment by %(name)s accepted") % {"name": policy.person_label(amendment.author)}
        if reason:
            note = f"{note}: {reason}"[:NOTE_MAX_LENGTH]
        data = {"body": clean_text(body, "body", BODY_MAX_LENGTH)}
        _save_version(actor, locked, data, note, amendment=locked_amendment)
        locked_amendment.applied_version = locked.version
        _copy(locked, standard)
    locked_amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
    locked_amendment.reason = reason
    locked_amendment.decided_by = actor
    locked_amendment.decided_at = timezone.now()
    locked_amendment.save()
    for field in ("status", "reason", "decided_by", "decided_at", "applied_version"):
        setattr(amendment, field, getattr(locked_amendment, field))
    log_activity(
        actor,
        "standard.amendment_accepted" if accept else "standard.amendment_rejected",
        community=standard.community,
        target=standard,
        amendment_id=amendment.pk,
        reason=reason,
        version=locked.version,
    )
    return amendment


# --- Review period ----------------------------------------------------------------------


def _aware(value, field):
    if value is None:
        raise ActionError(_("This field is required."), field=field, code="required")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic
def do_open_review(actor, standard, *, opens_at, closes_at) -> Standard:
    access = access_for(actor, standard.community)
    _require(
        policy.can_edit(access, standard),
        _("Only the drafters or the moderators can open the review."),
    )
    opens_at, closes_at = _aware(opens_at, "opens_at"), _aware(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise ActionError(
            _("The review must close after it opens."), field="closes_at", code="invalid"
        )
    if closes_at <= timezone.now():
        raise ActionError(
            _("The closing date must be in the future."), field="closes_at", code="invalid"
        )
    if closes_at - opens_at > timedelta(days=MAX_REVIEW_DAYS):
        raise ActionError(
            _("A review lasts at most %(n)s days.") % {"n": MAX_REVIEW_DAYS},
            field="closes_at",
            code="invalid",
        )
    locked = _lock(standard)
    if locked.is_frozen:
        raise frozen_error()
    locked.status = StandardStatus.REVIEW
    locked.review_opens_at, locked.review_closes_at = opens_at, closes_at
    locked.save(update_fields=["status", "review_opens_at", "review_closes_at"])
    reindex(locked)
    log_activity(
        actor,
        "standard.review_opened",
        community=locked.community,
        target=locked,
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
    )
    _copy(locked, standard)
    return standard


# --- Ratification vote -------------------------------------------------------------------


def _percent(value, field) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 1 <= number <= 100:
        raise ActionError(
            _("Enter a percentage between 1 and 100."), field=field, code="invalid_percent"
        )
    return number


def eligible_ids(standard, group, at):
    """Who may vote: members (of `group`, if given) who had joined when the vote opened."""
    if group is not None:
        from koinon.communities.models import GroupMembership

        return GroupMembership.objects.filter(
            group=group,
            joined_at__lte=at,
            user__memberships__community=standard.community_id,
            user__memberships__joined_at__lte=at,
        ).values_list("user_id", flat=True)
    return Membership.objects.filter(
        community=standard.community_id, joined_at__lte=at
    ).values_list("user_id", flat=True)


@transaction.atomic
def do_open_vote(
    actor, standard, *, closes_at, quorum, threshold, group=None, opens_at=None
) -> Ballot:
    """Open the ratification vote on the current version; the text is frozen until it closes."""
    access = access_for(actor, standard.community)
    _require(
        policy.can_edit(access, standard),
        _("Only the drafters or the moderators can open the vote."),
    )
    quorum = _percent(quorum, "quorum")
    threshold = _percent(threshold, "threshold")
    _own_group(standard.community, group)
    now = timezone.now()
    opens_at = _aware(opens_at, "opens_at") if opens_at else now
    closes_at = _aware(closes_at, "closes_at")
    if opens_at < now - timedelta(minutes=5):
        raise ActionError(_("The vote cannot open in the past."), field="opens_at", code="invalid")
    if closes_at <= max(now, opens_at):
        raise ActionError(
            _("The vote must close after it opens, in the future."),
            field="closes_at",
            code="invalid",
        )
    if closes_at - opens_at > timedelta(days=MAX_VOTE_DAYS):
        raise ActionError(
            _("A vote lasts at most %(n)s days.") % {"n": MAX_VOTE_DAYS},
            field="closes_at",
            code="invalid",
        )
    locked = _lock(standard)
    if locked.is_frozen:
        raise Conflict(_("A ratification vote is already open."), code="vote_open")
    if locked.status == StandardStatus.RATIFIED and locked.ratified_version == locked.version:
        raise ActionError(_("This version is already ratified."), code="already_ratified")
    eligible = len(set(eligible_ids(locked, group, opens_at)))
    if eligible == 0:
        raise ActionError(
            _("Nobody would be eligible to vote."), field="group", code="no_electorate"
        )
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                standard=locked,
                version=locked.version,
                group=group,
                eligible_count=eligible,
                quorum=quorum,
                threshold=threshold,
                opens_at=opens_at,
                closes_at=closes_at,
                opened_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("A ratification vote is already open."), code="vote_open") from None
    locked.status = StandardStatus.VOTING
    locked.eligible_group = group
    locked.save(update_fields=["status", "eligible_group"])
    reindex(locked)
    log_activity(
        actor,
        "standard.vote_opened",
        community=locked.community,
        target=locked,
        ballot_id=ballot.pk,
        version=locked.version,
        quorum=quorum,
        threshold=threshold,
        eligible=eligible,
        closes_at=closes_at.isoformat(),
    )
    _copy(locked, standard)
    return ballot


def open_ballot(standard) -> Ballot | None:
    return Ballot.objects.filter(standard=standard, closed_at__isnull=True).first()


@transaction.atomic
def do_vote(actor, ballot, *, choice: str, reason: str = "") -> Vote:
    standard = ballot.standard
    access = access_for(actor, standard.community)
    if not access.is_member:
        raise Forbidden(_("Only members can vote."))
    _check_choice(choice, Choice, "choice")
    reason = clean_text(reason, "reason", NOTE_MAX_LENGTH, required=False, one_line=True)
    now = timezone.now()
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.is_closed or now >= locked.closes_at:
        raise ActionError(
            _("The vote closed on %(when)s: votes are no longer taken.")
            % {"when": timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="vote_closed",
        )
    if now < locked.opens_at:
        raise ActionError(
            _("The vote opens on %(when)s: votes are not taken yet.")
            % {"when": timezone.localtime(locked.opens_at).strftime("%Y-%m-%d %H:%M")},
            code="vote_not_open",
        )
    if not eligible_ids(standard, locked.group, locked.opens_at).filter(user_id=actor.pk).exists():
        raise Forbidden(
            _("You are not among the members eligible for this vote."), code="not_eligible"
        )
    try:
        with transaction.atomic():
            vote = Vote.objects.create(ballot=locked, voter=actor, choice=choice, reason=reason)
    except IntegrityError:
        raise Conflict(
            _("You have already voted: a vote cannot be cast twice."), code="already_voted"
        ) from None
    log_activity(
        actor,
        "standard.voted",
        community=standard.community,
        target=standard,
        is_private=True,
        ballot_id=ballot.pk,
    )
    return vote


def tally(ballot) -> dict:
    counts = dict.fromkeys(Choice.values, 0)
    for choice in ballot.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return counts


def outcome(ballot, counts) -> tuple[bool, bool]:
    """(quorum reached, ratified): quorum counts every vote, abstentions included; the
    threshold is the share of approvals among those who did not abstain."""
    voted = sum(counts.values())
    quorum_reached = voted * 100 >= ballot.quorum * ballot.eligible_count
    deciding = counts[Choice.APPROVE] + counts[Choice.OBJECT]
    approved = deciding > 0 and counts[Choice.APPROVE] * 100 >= ballot.threshold * deciding
    return quorum_reached, quorum_reached and approved


def _close(ballot, actor=None) -> Ballot:
    """Compute and store the result once; a closed ballot is returned unchanged."""
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.is_closed:
        return locked
    counts = tally(locked)
    quorum_reached, ratified = outcome(locked, counts)
    now = timezone.now()
    locked.approve_count = counts[Choice.APPROVE]
    locked.abstain_count = counts[Choice.ABSTAIN]
    locked.object_count = counts[Choice.OBJECT]
    locked.quorum_reached = quorum_reached
    locked.result = BallotResult.RATIFIED if ratified else BallotResult.NOT_RATIFIED
    locked.closed_at = min(now, locked.closes_at) if actor is None else now
    locked.closed_by = actor
    locked.save()
    standard = _lock(locked.standard)
    if ratified:
        standard.status = StandardStatus.RATIFIED
        standard.ratified_version = locked.version
        standard.ratified_at = locked.closed_at
    else:
        standard.status = StandardStatus.DRAFT
    standard.save(update_fields=["status", "ratified_version", "ratified_at"])
    reindex(standard)
    log_activity(
        actor,
        "standard.vote_closed",
        community=standard.community,
        target=standard,
        ballot_id=locked.pk,
        result=locked.result,
        approve=locked.approve_count,
        abstain=locked.abstain_count,
        object=locked.object_count,
        eligible=locked.eligible_count,
        automatic=actor is None,
    )
    if ratified:
        log_activity(
            actor,
            "standard.ratified",
            community=standard.community,
            target=standard,
            version=locked.version,
        )
    return locked


@transaction.atomic
def do_close_vote(actor, ballot) -> Ballot:
    standard = ballot.standard
    access = access_for(actor, standard.community)
    _require(
        policy.can_edit(access, standard),
        _("Only the drafters or the moderators can close the vote."),
    )
    if ballot.is_closed:
        raise Conflict(_("This vote is already closed."), code="already_closed")
    closed = _close(ballot, actor)
    standard.refresh_from_db()
    standard.__dict__.pop("_drafter_ids", None)
    return closed


def close_if_due(standard) -> bool:
    """Lazy close on read: if the open vote's end has passed, store its result now."""
    if standard.status != StandardStatus.VOTING:
        return False
    ballot = open_ballot(standard)
    if ballot is None or not ballot.is_due():
        return False
    with transaction.atomic():
        _close(ballot)
    standard.refresh_from_db()
    standard.__dict__.pop("_drafter_ids", None)
    return True


def close_due_ballots(now=None) -> int:
    """Close every vote whose end has passed (the scheduled command)."""
    closed = 0
    due = Ballot.objects.filter(closed_at__isnull=True, closes_at__lte=now or timezone.now())
    for ballot in due:
        with transaction.atomic():
            _close(ballot)
        closed += 1
    return closed
