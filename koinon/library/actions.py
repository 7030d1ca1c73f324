"""Every write on the library: practices and their versions, adoptions, lessons, resources.

Each action checks the library policy, runs in one transaction and appends to the
activity log. Entries about anonymous lessons carry no actor at all (as in discussions).
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from koinon.communities.models import Membership
from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.discussions.actions import parse_tags
from koinon.discussions.models import Tag
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.markdown import render_markdown
from koinon.library import policy
from koinon.library.files import check_upload
from koinon.library.identifiers import clean_doi, clean_isbn
from koinon.library.models import (
    BODY_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Adoption,
    ChangeProposal,
    Lesson,
    Outcome,
    Practice,
    PracticeStatus,
    PracticeVersion,
    ProposalStatus,
    ReadingList,
    ReadingListItem,
    Resource,
    ResourceKind,
    ResourceReview,
)
from koinon.search.items import sync as search_sync


class EditConflict(Conflict):
    """Someone saved the practice since the editor opened it; `current` is their version."""

    def __init__(self, current: PracticeVersion):
        super().__init__(
            _(
                "Someone else saved a new version (%(number)s) while you were editing. "
                "Your text is kept below: compare it with theirs, then save again."
            )
            % {"number": current.number},
            code="edit_conflict",
        )
        self.current = current


def _require(access, action, obj, message):
    if not policy.can(access, action, obj):
        raise Forbidden(message)


# --- Cleaning ------------------------------------------------------------------------


def clean_text(value, field: str, max_length: int, *, required=True, one_line=False) -> str:
    value = (value or "").replace("\r\n", "\n")
    value = " ".join(value.split()) if one_line else value.strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field, code="required")
    if len(value) > max_length:
        raise ActionError(
            _("This can be at most %(max)s characters long (it has %(n)s).")
            % {"max": f"{max_length:,}", "n": f"{len(value):,}"},
            field=field,
            code="too_long",
        )
    return value


def _clean_practice(title, summary, when_to_use, body, note) -> dict:
    return {
        "title": clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        "summary": clean_text(summary, "summary", SUMMARY_MAX_LENGTH),
        "when_to_use": clean_text(when_to_use, "when_to_use", TEXT_MAX_LENGTH, required=False),
        "body": clean_text(body, "body", BODY_MAX_LENGTH),
        "note": clean_text(note, "note", NOTE_MAX_LENGTH, required=False, one_line=True),
    }


def _check_choice(value, choices, field):
    if value not in choices.values:
        raise ActionError(_("Please choose a valid option."), field=field, code="invalid_choice")


def set_tags(obj, raw):
    names = parse_tags(raw)
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name], _created = Tag.objects.get_or_create(name=name)
    obj.tags.set([existing[name] for name in names])


RESERVED_SLUGS = {"new"}


def _unique_slug(community, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "practice"
    slug, n = base, 2
    while (
        slug in RESERVED_SLUGS or Practice.objects.filter(community=community, slug=slug).exists()
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _snapshot(practice, author, note="", restored_from=None) -> PracticeVersion:
    return PracticeVersion.objects.create(
        practice=practice,
        number=practice.version,
        title=practice.title,
        summary=practice.summary,
        when_to_use=practice.when_to_use,
        body=practice.body,
        author=author,
        note=note,
        restored_from=restored_from,
        created_at=practice.updated_at,
    )


# --- Practices -----------------------------------------------------------------------


@transaction.atomic
def do_create_practice(
    actor, community, *, title, summary, body, when_to_use="", tags=(), note=""
) -> Practice:
    access = access_for(actor, community)
    _require(access, "write", None, _("Only members can write practices."))
    data = _clean_practice(title, summary, when_to_use, body, note)
    note = data.pop("note")
    practice = Practice.objects.create(
        community=community,
        slug=_unique_slug(community, data["title"]),
        body_html=render_markdown(data["body"]),
        created_by=actor,
        **data,
    )
    set_tags(practice, tags)
    practice.maintainers.add(actor)
    _snapshot(practice, actor, note)
    log_activity(
        actor, "practice.created", community=community, target=practice, title=practice.title
    )
    search_sync(practice)
    return practice


def _lock(practice) -> Practice:
    return Practice.objects.select_for_update().select_related("community").get(pk=practice.pk)


@transaction.atomic
def do_edit_practice(
    actor,
    practice,
    *,
    base_version: int,
    title,
    summary,
    body,
    when_to_use="",
    tags=None,
    note="",
) -> Practice:
    """Save a new version; refused with `EditConflict` if `base_version` is not the latest."""
    access = access_for(actor, practice.community)
    _require(access, "write", practice, _("Only members can edit practices."))
    data = _clean_practice(title, summary, when_to_use, body, note)
    note = data.pop("note")
    locked = _lock(practice)
    if base_version != locked.version:
        raise EditConflict(locked.versions.get(number=locked.version))
    if tags is not None:
        set_tags(locked, tags)
    if all(getattr(locked, name) == value for name, value in data.items()):
        if tags is not None:
            _copy(locked, practice)
            return practice
        raise ActionError(_("Nothing changed: there is no new version to save."), code="unchanged")
    _save_version(actor, locked, data, note)
    log_activity(
        actor,
        "practice.revised",
        community=locked.community,
        target=locked,
        version=locked.version,
        note=note,
    )
    search_sync(locked)
    _copy(locked, practice)
    return practice


def _save_version(actor, locked, data, note, restored_from=None):
    for name, value in data.items():
        setattr(locked, name, value)
    locked.body_html = render_markdown(locked.body)
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _snapshot(locked, actor, note, restored_from)


def _copy(source, target):
    for field in ("title", "summary", "when_to_use", "body", "body_html", "version", "updated_at"):
        setattr(target, field, getattr(source, field))


@transaction.atomic
def do_restore_version(actor, practice, number: int, *, base_version: int | None = None):
    """Make an old version's text the latest again, as a new version."""
    access = access_for(actor, practice.community)
    _require(access, "write", practice, _("Only members can edit practices."))
    locked = _lock(practice)
    if base_version is not None and base_version != locked.version:
        raise EditConflict(locked.versions.get(number=locked.version))
    old = locked.versions.filter(number=number).first()
    if old is None:
        raise ActionError(_("There is no such version."), code="not_found", status=404)
    if number == locked.version:
        raise ActionError(_("This is already the current version."), code="unchanged")
    data = {
        "title": old.title,
        "summary": old.summary,
        "when_to_use": old.when_to_use,
        "body": old.body,
    }
    note = _("Restored version %(number)s") % {"number": number}
    _save_version(actor, locked, data, note, restored_from=number)
    log_activity(
        actor,
        "practice.restored",
        community=locked.community,
        target=locked,
        version=locked.version,
        restored_from=number,
    )
    search_sync(locked)
    _copy(locked, practice)
    return practice


@transaction.atomic
def do_change_status(actor, practice, status: str) -> Practice:
    access = access_for(actor, practice.community)
    _require(
        access,
        "maintain",
        practice,
        _("Only the practice's maintainers or the moderators can change its status."),
    )
    _check_choice(status, PracticeStatus, "status")
    locked = _lock(practice)
    old = locked.status
    if old == status:
        raise ActionError(_("The practice already has this status."), code="unchanged")
    locked.status = status
    locked.save(update_fields=["status"])
    practice.status = status
    search_sync(locked)
    log_activity(
        actor,
        "practice.status_changed",
        community=locked.community,
        target=locked,
        old=old,
        new=status,
    )
    return practice


@transaction.atomic
def do_add_maintainer(actor, practice, email: str):
    access = access_for(actor, practice.community)
    _require(access, "maintain", practice, _("Only maintainers or moderators can do this."))
    user = (
        get_user_model().objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    )
    if (
        user is None
        or not Membership.objects.filter(community=practice.community, user=user).exists()
    ):
        raise ActionError(
            _("No member of this community has this e-mail address."),
            field="email",
            code="not_member",
        )
    practice.maintainers.add(user)
    practice.__dict__.pop("_maintainer_ids", None)
    log_activity(
        actor,
        "practice.maintainer_added",
        community=practice.community,
        target=practice,
        user_id=user.pk,
    )
    return user


@transaction.atomic
def do_remove_maintainer(actor, practice, user):
    access = access_for(actor, practice.community)
    _require(access, "maintain", practice, _("Only maintainers or moderators can do this."))
    if practice.maintainers.count() <= 1 and practice.maintainers.filter(pk=user.pk).exists():
        raise ActionError(_("A practice keeps at least one maintainer."), code="last_maintainer")
    practice.maintainers.remove(user)
    practice.__dict__.pop("_maintainer_ids", None)
    log_activity(
        actor,
        "practice.maintainer_removed",
        community=practice.community,
        target=practice,
        user_id=user.pk,
    )


@transaction.atomic
def do_adopt(actor, practice, note: str = "") -> Adoption:
    """Say "I use this" (again: the note is updated)."""
    access = access_for(actor, practice.community)
    _require(access, "adopt", practice, _("Only members can adopt practices."))
    note = clean_text(note, "note", NOTE_MAX_LENGTH, required=False, one_line=True)
    adoption = Adoption.objects.filter(practice=practice, user=actor).first()
    if adoption is not None:
        adoption.note = note
        adoption.save(update_fields=["note"])
        return adoption
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(practice=practice, user=actor, note=note)
    except IntegrityError:
        raise Conflict(_("You already use this practice."), code="already_adopted") from None
    Practice.objects.filter(pk=practice.pk).update(adoption_count=F("adoption_count") + 1)
    practice.adoption_count += 1
    log_activity(actor, "practice.adopted", community=practice.community, target=practice)
    return adoption


@transaction.atomic
def do_unadopt(actor, practice) -> None:
    deleted, _rows = Adoption.objects.filter(practice=practice, user=actor).delete()
    if not deleted:
        raise ActionError(_("You had not adopted this practice."), code="not_adopted")
    Practice.objects.filter(pk=practice.pk, adoption_count__gt=0).update(
        adoption_count=F("adoption_count") - 1
    )
    practice.adoption_count = max(0, practice.adoption_count - 1)
    log_activity(actor, "practice.unadopted", community=practice.community, target=practice)


# --- Lessons learned -----------------------------------------------------------------


def _log_actor(actor, item):
    """Who an entry names: nobody when `actor` wrote `item` anonymously."""
    if item.is_anonymous and actor.pk == item.author_id:
        return None
    return actor


def _clean_lesson(title, context, tried, outcome, learned, recommend) -> dict:
    _check_choice(outcome, Outcome, "outcome")
    return {
        "title": clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        "context": clean_text(context, "context", TEXT_MAX_LENGTH),
        "tried": clean_text(tried, "tried", TEXT_MAX_LENGTH),
        "outcome": outcome,
        "learned": clean_text(learned, "learned", TEXT_MAX_LENGTH),
        "recommend": clean_text(recommend, "recommend", TEXT_MAX_LENGTH, required=False),
    }


def _own_practices(community, practices) -> list:
    practices = list(practices or [])
    if any(p.community_id != community.pk for p in practices):
        raise ActionError(
            _("A lesson can only be linked to practices of its community."),
            field="practices",
            code="invalid_choice",
        )
    return practices


@transaction.atomic
def do_create_lesson(
    actor,
    community,
    *,
    title,
    context,
    tried,
    outcome,
    learned,
    recommend="",
    is_anonymous=False,
    practices=(),
    proposal_practice=None,
    proposal="",
) -> Lesson:
    """Log a lesson; optionally propose a change to one of the practices it affects."""
    access = access_for(actor, community)
    _require(access, "write", None, _("Only members can log lessons."))
    if is_anonymous and not policy.can_post_anonymously(access):
        raise Forbidden(_("This community does not allow anonymous posts."), field="is_anonymous")
    data = _clean_lesson(title, context, tried, outcome, learned, recommend)
    practices = _own_practices(community, practices)
    proposal = clean_text(proposal, "proposal", TEXT_MAX_LENGTH, required=False)
    if bool(proposal) != bool(proposal_practice):
        raise ActionError(
            _("To propose a change, choose the practice and describe the change."),
            field="proposal" if proposal_practice else "proposal_practice",
            code="incomplete",
        )
    if proposal_practice is not None:
        (proposal_practice,) = _own_practices(community, [proposal_practice])
        if proposal_practice not in practices:
            practices.append(proposal_practice)
    lesson = Lesson.objects.create(
        community=community, author=actor, is_anonymous=bool(is_anonymous), **data
    )
    lesson.practices.set(practices)
    log_activity(
        _log_actor(actor, lesson),
        "lesson.created",
        community=community,
        target=lesson,
        outcome=lesson.outcome,
        anonymous=lesson.is_anonymous,
    )
    if proposal_practice is not None:
        _propose(actor, lesson, proposal_practice, proposal)
    search_sync(lesson)
    return lesson


def _propose(actor, lesson, practice, text) -> ChangeProposal:
    try:
        with transaction.atomic():
            proposal = ChangeProposal.objects.create(lesson=lesson, practice=practice, text=text)
    except IntegrityError:
        raise Conflict(
            _("This lesson already proposes a change to this practice."), code="duplicate"
        ) from None
    log_activity(
        _log_actor(actor, lesson),
        "practice.change_proposed",
        community=lesson.community,
        target=practice,
        lesson_id=lesson.pk,
        proposal_id=proposal.pk,
        anonymous=lesson.is_anonymous,
    )
    return proposal


@transaction.atomic
def do_propose_change(actor, lesson, practice, text: str) -> ChangeProposal:
    access = access_for(actor, lesson.community)
    _require(access, "edit_own", lesson, _("Only the lesson's author or a moderator can do this."))
    text = clean_text(text, "proposal", TEXT_MAX_LENGTH)
    (practice,) = _own_practices(lesson.community, [practice])
    lesson.practices.add(practice)
    return _propose(actor, lesson, practice, text)


@transaction.atomic
def do_edit_lesson(
    actor, lesson, *, title, context, tried, outcome, learned, recommend="", practices=None
) -> Lesson:
    access = access_for(actor, lesson.community)
    _require(access, "edit_own", lesson, _("Only the lesson's author or a moderator can edit it."))
    data = _clean_lesson(title, context, tried, outcome, learned, recommend)
    for name, value in data.items():
        setattr(lesson, name, value)
    lesson.updated_at = timezone.now()
    lesson.save()
    if practices is not None:
        linked = _own_practices(lesson.community, practices)
        proposed = Practice.objects.filter(proposals__lesson=lesson)
        lesson.practices.set({*linked, *proposed})
    log_activity(
        _log_actor(actor, lesson),
        "lesson.edited",
        community=lesson.community,
        target=lesson,
        anonymous=lesson.is_anonymous,
    )
    search_sync(lesson)
    return lesson


@transaction.atomic
def do_decide_proposal(actor, proposal, *, accept: bool, reason: str = "") -> ChangeProposal:
    practice = proposal.practice
    access = access_for(actor, practice.community)
    _require(
        access,
        "maintain",
        practice,
        _("Only the practice's maintainers or the moderators can decide on proposals."),
    )
    reason = clean_text(reason, "reason", NOTE_MAX_LENGTH, required=False, one_line=True)
    locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.OPEN:
        raise Conflict(_("This proposal has already been decided."), code="already_decided")
    locked.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    locked.reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save()
    for field in ("status", "reason", "decided_by", "decided_at"):
        setattr(proposal, field, getattr(locked, field))
    log_activity(
        actor,
        "practice.proposal_accepted" if accept else "practice.proposal_declined",
        community=practice.community,
        target=practice,
        proposal_id=proposal.pk,
        lesson_id=proposal.lesson_id,
        reason=reason,
    )
    return proposal


# --- Resources -------------------------------------------------------------------------

RESOURCE_FIELDS = (
    "kind",
    "title",
    "authors",
    "year",
    "publisher",
    "url",
    "doi",
    "isbn",
    "licence",
    "language",
    "description",
)


def _clean_url(value) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    value = (value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ActionError(
            _("Enter a web address starting with http:// or https://."), field="url", code="invalid"
        ) from None
    if len(value) > 1000:
        raise ActionError(_("This web address is too long."), field="url", code="too_long")
    return value


def _clean_year(value):
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = -1
    if not 1000 <= year <= timezone.now().year + 1:
        raise ActionError(
            _("Enter a year between 1000 and next year."), field="year", code="invalid"
        )
    return year


def _clean_resource(data: dict) -> dict:
    _check_choice(data.get("kind"), ResourceKind, "kind")
    authors = "; ".join(
        " ".join(a.split()) for a in (data.get("authors") or "").split(";") if a.strip()
    )
    return {
        "kind": data["kind"],
        "title": clean_text(data.get("title"), "title", 300, one_line=True),
        "authors": clean_text(authors, "authors", 1000, required=False),
        "year": _clean_year(data.get("year")),
        "publisher": clean_text(
            data.get("publisher"), "publisher", 300, required=False, one_line=True
        ),
        "url": _clean_url(data.get("url")),
        "doi": clean_doi(data.get("doi")),
        "isbn": clean_isbn(data.get("isbn")),
        "licence": clean_text(data.get("licence"), "licence", 200, required=False, one_line=True),
        "language": clean_text(data.get("language"), "language", 40, required=False, one_line=True),
        "description": clean_text(
            data.get("description"), "description", TEXT_MAX_LENGTH, required=False
        ),
    }


def _attach_file(resource, upload):
    checked = check_upload(upload)
    if resource.file:
        resource.file.delete(save=False)
    resource.file.save(checked.name, upload, save=False)
    resource.file_name = checked.name
    resource.file_type = checked.mime
    resource.file_size = checked.size


def _require_content(data, upload, resource=None):
    has_file = upload is not None or (resource is not None and resource.file)
    if data["kind"] == ResourceKind.FILE and not has_file:
        raise ActionError(_("Please choose the file to upload."), field="file", code="required")
    if data["kind"] == ResourceKind.LINK and not data["url"]:
        raise ActionError(_("Please give the web address."), field="url", code="required")


@transaction.atomic
def do_add_resource(actor, community, *, file=None, **fields) -> Resource:
    access = access_for(actor, community)
    _require(access, "write", None, _("Only members can add resources."))
    data = _clean_resource(fields)
    _require_content(data, file)
    resource = Resource(community=community, added_by=actor, **data)
    if file is not None:
        _attach_file(resource, file)
    resource.save()
    log_activity(actor, "resource.added", community=community, target=resource, kind=resource.kind)
    search_sync(resource)
    return resource


@transaction.atomic
def do_edit_resource(actor, resource, *, file=None, remove_file=False, **fields) -> Resource:
    access = access_for(actor, resource.community)
    _require(access, "edit_own", resource, _("Only whoever added it or a moderator can edit it."))
    data = _clean_resource(fields)
    if remove_file and file is None and resource.file:
        resource.file.delete(save=False)
        resource.file_name, resource.file_type, resource.file_size = "", "", None
    _require_content(data, file, resource)
    for name, value in data.items():
        setattr(resource, name, value)
    if file is not None:
        _attach_file(resource, file)
    resource.updated_at = timezone.now()
    resource.save()
    log_activity(actor, "resource.edited", community=resource.community, target=resource)
    search_sync(resource)
    return resource


@transaction.atomic
def do_review_resource(actor, resource, *, useful_for, comment="") -> ResourceReview:
    """Say what a resource is useful for (again: the review is updated)."""
    access = access_for(actor, resource.community)
    _require(access, "write", resource, _("Only members can review resources."))
    useful_for = clean_text(useful_for, "useful_for", 200, one_line=True)
    comment = clean_text(comment, "comment", 2000, required=False)
    review, created = ResourceReview.objects.update_or_create(
        resource=resource, author=actor, defaults={"useful_for": useful_for, "comment": comment}
    )
    if created:
        log_activity(actor, "resource.reviewed", community=resource.community, target=resource)
    return review


@transaction.atomic
def do_create_reading_list(actor, community, *, title, description="") -> ReadingList:
    access = access_for(actor, community)
    _require(access, "write", None, _("Only members can make reading lists."))
    reading_list = ReadingList.objects.create(
        community=community,
        created_by=actor,
        title=clean_text(title, "title", TITLE_MAX_LENGTH, one_line=True),
        description=clean_text(description, "description", TEXT_MAX_LENGTH, required=False),
    )
    log_activity(actor, "reading_list.created", community=community, target=reading_list)
    return reading_list


def _require_list_editor(actor, reading_list):
    access = access_for(actor, reading_list.community)
    allowed = access.is_member and (
        access.is_moderator or policy.is_self(access, reading_list.created_by_id)
    )
    if not allowed:
        raise Forbidden(_("Only whoever made the reading list or a moderator can change it."))


@transaction.atomic
def do_add_to_reading_list(actor, reading_list, resource, note="") -> ReadingListItem:
    _require_list_editor(actor, reading_list)
    if resource.community_id != reading_list.community_id:
        raise ActionError(_("This resource belongs to another community."), code="invalid")
    note = clean_text(note, "note", NOTE_MAX_LENGTH, required=False, one_line=True)
    try:
        with transaction.atomic():
            item = ReadingListItem.objects.create(
                reading_list=reading_list, resource=resource, note=note
            )
    except IntegrityError:
        raise Conflict(_("This resource is already in the list."), code="duplicate") from None
    return item


@transaction.atomic
def do_remove_from_reading_list(actor, reading_list, resource) -> None:
    _require_list_editor(actor, reading_list)
    ReadingListItem.objects.filter(reading_list=reading_list, resource=resource).delete()
