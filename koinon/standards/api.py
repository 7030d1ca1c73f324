"""API for standards, ethical guidelines and rules: text and sections, versions and
diffs, comments anchored to a section, amendments, review period, ratification votes.

Everything goes through the standards policy (404 for what the caller may not see,
403 for what they may see but not do) and the same actions as the pages. A save
built on an old version answers 409; so does any change to a text frozen by an
open vote. A vote whose end has passed is closed (and its result stored) on read.
"""

from datetime import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.models import Group
from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.standards import actions, diff, policy, sections
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
    Choice,
    Standard,
    StandardKind,
    StandardStatus,
)

router = Router(tags=["standards"])

KindValue = Literal[tuple(StandardKind.values)]
StatusValue = Literal[tuple(StandardStatus.values)]
ChoiceValue = Literal[tuple(Choice.values)]
AmendmentStatusValue = Literal[tuple(AmendmentStatus.values)]

BASE = "/communities/{slug}/standards"
ONE = BASE + "/{standard_slug}"


# --- Schemas ----------------------------------------------------------------------------


class PersonOut(Schema):
    id: int | None
    display_name: str


class SectionOut(Schema):
    key: str
    title: str
    level: int


class BallotOut(Schema):
    id: int
    version: int
    eligible_group: int | None
    eligible_count: int
    quorum: int = Field(..., description="% of eligible members who must vote (abstaining too).")
    threshold: int = Field(..., description="% of approvals among those who did not abstain.")
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    votes_cast: int
    closed_at: datetime | None
    result: str | None
    quorum_reached: bool | None
    approve: int | None
    abstain: int | None
    object: int | None


class StandardOut(Schema):
    id: int
    community: str
    slug: str
    kind: str
    title: str
    summary: str
    status: str
    version: int
    ratified_version: int | None
    ratified_at: datetime | None
    updated_at: datetime
    url: str


class StandardDetailOut(StandardOut):
    body: str
    body_html: str
    sections: list[SectionOut]
    working_group: int | None
    eligible_group: int | None
    drafters: list[PersonOut]
    review_opens_at: datetime | None
    review_closes_at: datetime | None
    origin_topic: int | None
    origin_practice: int | None
    ballot: BallotOut | None
    can: dict[str, bool] = Field(..., description="What the caller may do with this standard.")


class StandardPage(PageOut):
    items: list[StandardOut]


class StandardFilters(Schema):
    kind: KindValue | None = None
    status: StatusValue | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class StandardIn(Input):
    kind: KindValue = "standard"
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    summary: str = Field("", max_length=SUMMARY_MAX_LENGTH)
    body: str = Field(..., max_length=BODY_MAX_LENGTH)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)
    working_group: int | None = Field(None, description="Id of a group whose members draft.")
    eligible_group: int | None = Field(None, description="Id of the group that amends/ratifies.")
    topic: int | None = Field(None, description="Id of the discussion it starts from.")
    practice: int | None = Field(None, description="Id of the practice it is proposed from.")


class StandardEdit(Input):
    base_version: int = Field(
        ..., ge=1, description="The version the edit starts from; 409 if it is not the latest."
    )
    kind: KindValue | None = None
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    summary: str = Field("", max_length=SUMMARY_MAX_LENGTH)
    body: str = Field(..., max_length=BODY_MAX_LENGTH)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class VersionOut(Schema):
    number: int
    title: str
    summary: str
    body: str
    author: PersonOut | None
    note: str
    amendment: int | None
    restored_from: int | None
    ratified: bool
    created_at: datetime


class VersionPage(PageOut):
    items: list[VersionOut]


class DiffRow(Schema):
    kind: Literal["add", "remove", "context", "gap"]
    text: str


class DiffField(Schema):
    field: str
    rows: list[DiffRow]


class DiffOut(Schema):
    from_version: int
    to_version: int
    changes: list[DiffField]
    unified: str


class CommentIn(Input):
    section: str = Field(..., max_length=100)
    body: str = Field(..., max_length=COMMENT_MAX_LENGTH)


class CommentOut(Schema):
    id: int
    section: str
    section_title: str
    version: int
    author: PersonOut | None
    body: str
    created_at: datetime


class CommentPage(PageOut):
    items: list[CommentOut]


class AmendmentIn(Input):
    section: str = Field(..., max_length=100)
    text: str = Field(..., max_length=AMENDMENT_MAX_LENGTH)
    rationale: str = Field(..., max_length=COMMENT_MAX_LENGTH)


class AmendmentOut(Schema):
    id: int
    section: str
    section_title: str
    base_version: int
    original_text: str
    text: str
    rationale: str
    author: PersonOut | None
    status: str
    reason: str
    decided_at: datetime | None
    applied_version: int | None
    created_at: datetime


class AmendmentPage(PageOut):
    items: list[AmendmentOut]


class DecisionIn(Input):
    accept: bool
    reason: str = Field("", max_length=NOTE_MAX_LENGTH, description="Required to reject.")


class ReviewIn(Input):
    opens_at: datetime
    closes_at: datetime


class OpenVoteIn(Input):
    closes_at: datetime
    quorum: int = Field(..., ge=1, le=100, description="% of eligible members who must vote.")
    threshold: int = Field(..., ge=1, le=100, description="% of approvals among non-abstaining.")
    eligible_group: int | None = Field(None, description="Id of a group; else every member.")


class VoteIn(Input):
    choice: ChoiceValue
    reason: str = Field("", max_length=NOTE_MAX_LENGTH)


class VoteOut(Schema):
    ballot: int
    choice: str
    reason: str
    created_at: datetime


class BallotPage(PageOut):
    items: list[BallotOut]


# --- Shaping -------------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "display_name": user.display_name}


def _standard(standard) -> dict:
    return {
        "id": standard.pk,
        "community": standard.community.slug,
        "slug": standard.slug,
        "kind": standard.kind,
        "title": standard.title,
        "summary": standard.summary,
        "status": standard.status,
        "version": standard.version,
        "ratified_version": standard.ratified_version,
        "ratified_at": standard.ratified_at,
        "updated_at": standard.updated_at,
        "url": standard.get_absolute_url(),
    }


def _ballot(ballot) -> dict:
    closed = ballot.is_closed
    return {
        "id": ballot.pk,
        "version": ballot.version,
        "eligible_group": ballot.group_id,
        "eligible_count": ballot.eligible_count,
        "quorum": ballot.quorum,
        "threshold": ballot.threshold,
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at,
        "is_open": not closed,
        "votes_cast": ballot.vote_count if closed else ballot.votes.count(),
        "closed_at": ballot.closed_at,
        "result": ballot.result or None,
        "quorum_reached": ballot.quorum_reached,
        "approve": ballot.approve_count if closed else None,
        "abstain": ballot.abstain_count if closed else None,
        "object": ballot.object_count if closed else None,
    }


def _detail(standard, access) -> dict:
    standard = (
        Standard.objects.select_related("community", "group", "eligible_group")
        .prefetch_related("drafters__profile")
        .get(pk=standard.pk)
    )
    data = _standard(standard)
    ballot = actions.open_ballot(standard)
    data.update(
        body=standard.body,
        body_html=standard.body_html,
        sections=[
            {"key": s.key, "title": sections.label(s), "level": s.level}
            for s in sections.split(standard.body)
        ],
        working_group=standard.group_id,
        eligible_group=standard.eligible_group_id,
        drafters=[_person(u) for u in standard.drafters.all()],
        review_opens_at=standard.review_opens_at,
        review_closes_at=standard.review_closes_at,
        origin_topic=standard.origin_topic_id,
        origin_practice=standard.origin_practice_id,
        ballot=_ballot(ballot) if ballot else None,
        can={
            "edit": policy.can_edit(access, standard) and not standard.is_frozen,
            "comment": policy.can_comment(access, standard),
            "amend": policy.can_amend(access, standard),
            "open_vote": policy.can_edit(access, standard) and not standard.is_frozen,
        },
    )
    return data


def _version(version, ratified: set) -> dict:
    return {
        "number": version.number,
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "author": _person(version.author),
        "note": version.note,
        "amendment": version.amendment_id,
        "restored_from": version.restored_from,
        "ratified": version.number in ratified,
        "created_at": version.created_at,
    }


def _comment(comment) -> dict:
    return {
        "id": comment.pk,
        "section": comment.section,
        "section_title": comment.section_title,
        "version": comment.version,
        "author": _person(comment.author),
        "body": comment.body,
        "created_at": comment.created_at,
    }


def _amendment(amendment) -> dict:
    return {
        "id": amendment.pk,
        "section": amendment.section,
        "section_title": amendment.section_title,
        "base_version": amendment.base_version,
        "original_text": amendment.original_text,
        "text": amendment.text,
        "rationale": amendment.rationale,
        "author": _person(amendment.author),
        "status": amendment.status,
        "reason": amendment.reason,
        "decided_at": amendment.decided_at,
        "applied_version": amendment.applied_version,
        "created_at": amendment.created_at,
    }


def _get(request, slug, standard_slug, action="read"):
    standard, access = policy.get_standard_for(request.user, slug, standard_slug, action)
    actions.close_if_due(standard)
    return standard, access


def _group(community, group_id, field):
    if group_id is None:
        return None
    group = Group.objects.filter(community=community, pk=group_id).first()
    if group is None:
        raise ActionError(
            _("Choose a group of this community."), field=field, code="invalid_choice"
        )
    return group


def _ratified(standard) -> set:
    return set(
        Ballot.objects.filter(standard=standard, result="ratified").values_list(
            "version", flat=True
        )
    )


# --- Standards ---------------------------------------------------------------------------


@router.get(
    BASE,
    response={200: StandardPage, **ERRORS},
    auth=optional_auth,
    summary="Standards, ethical guidelines and rules of a community",
)
def list_standards(request, slug: str, filters: Query[StandardFilters]):
    community, _access = get_community_for(request.user, slug, "view_content")
    standards = Standard.objects.filter(community=community).select_related("community")
    if filters.kind:
        standards = standards.filter(kind=filters.kind)
    if filters.status:
        standards = standards.filter(status=filters.status)
    result = paginate(standards, filters.page, filters.page_size)
    result["items"] = [_standard(s) for s in result["items"]]
    return result


@router.post(
    BASE,
    response={201: StandardDetailOut, **ERRORS},
    summary="Draft a standard (members), from scratch, a discussion or a practice",
)
def create_standard(request, slug: str, payload: StandardIn):
    from koinon.discussions import policy as discussions_policy
    from koinon.library import policy as library_policy

    community, access = get_community_for(request.user, slug)
    data = payload.model_dump()
    topic = practice = None
    if data.pop("topic"):
        topic, _a = discussions_policy.get_topic_by_id_for(request.user, payload.topic)
    if data.pop("practice"):
        practice, _a = library_policy.get_practice_by_id_for(request.user, payload.practice)
    data["group"] = _group(community, data.pop("working_group"), "working_group")
    data["eligible_group"] = _group(community, data.pop("eligible_group"), "eligible_group")
    standard = actions.do_create_standard(
        request.user, community, origin_topic=topic, origin_practice=practice, **data
    )
    return Status(201, _detail(standard, access))


@router.get(
    ONE,
    response={200: StandardDetailOut, **ERRORS},
    auth=optional_auth,
    summary="One standard: current text, its sections, the open vote",
)
def get_standard(request, slug: str, standard_slug: str):
    standard, access = _get(request, slug, standard_slug)
    return _detail(standard, access)


@router.patch(
    ONE,
    response={200: StandardDetailOut, **ERRORS},
    summary="Save a new version (drafters); 409 if someone saved since base_version "
    "or if the text is frozen by an open vote",
)
def edit_standard(request, slug: str, standard_slug: str, payload: StandardEdit):
    standard, access = _get(request, slug, standard_slug)
    actions.do_edit_standard(request.user, standard, **payload.model_dump())
    return _detail(standard, access)


@router.get(
    ONE + "/versions",
    response={200: VersionPage, **ERRORS},
    auth=optional_auth,
    summary="Every version, newest first (superseded ones included)",
)
def list_versions(
    request,
    slug: str,
    standard_slug: str,
    page: int = Query(1, ge=1),
    page_size: int = Query(30, ge=1, le=100),
):
    standard, _access = _get(request, slug, standard_slug)
    ratified = _ratified(standard)
    result = paginate(standard.versions.select_related("author__profile"), page, page_size)
    result["items"] = [_version(v, ratified) for v in result["items"]]
    return result


@router.get(
    ONE + "/versions/{int:number}",
    response={200: VersionOut, **ERRORS},
    auth=optional_auth,
    summary="One version",
)
def get_version(request, slug: str, standard_slug: str, number: int):
    standard, _access = _get(request, slug, standard_slug)
    version = standard.versions.select_related("author__profile").filter(number=number).first()
    if version is None:
        raise Http404
    return _version(version, _ratified(standard))


@router.post(
    ONE + "/versions/{int:number}/restore",
    response={200: StandardDetailOut, **ERRORS},
    summary="Restore an old version as a new version (drafters)",
)
def restore_version(request, slug: str, standard_slug: str, number: int):
    standard, access = _get(request, slug, standard_slug)
    actions.do_restore_version(request.user, standard, number)
    return _detail(standard, access)


@router.get(
    ONE + "/diff",
    response={200: DiffOut, **ERRORS},
    auth=optional_auth,
    summary="Compare two versions: rows per changed field, and a unified diff",
)
def diff_versions(
    request,
    slug: str,
    standard_slug: str,
    from_version: int = Query(..., alias="from", ge=1),
    to_version: int = Query(..., alias="to", ge=1),
):
    standard, _access = _get(request, slug, standard_slug)
    found = {v.number: v for v in standard.versions.filter(number__in=[from_version, to_version])}
    old, new = found.get(from_version), found.get(to_version)
    if old is None or new is None:
        raise Http404
    changes = [
        {"field": c["field"], "rows": [{"kind": k, "text": t} for k, t in c["rows"]]}
        for c in diff.compare(old, new)
    ]
    return {
        "from_version": from_version,
        "to_version": to_version,
        "changes": changes,
        "unified": diff.unified_text(old, new),
    }


# --- Comments and amendments -------------------------------------------------------------


@router.get(
    ONE + "/comments",
    response={200: CommentPage, **ERRORS},
    auth=optional_auth,
    summary="Comments, oldest first; optionally those on one section",
)
def list_comments(
    request,
    slug: str,
    standard_slug: str,
    section: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=100),
):
    standard, _access = _get(request, slug, standard_slug)
    comments = standard.comments.select_related("author__profile")
    if section:
        comments = comments.filter(section=section)
    result = paginate(comments, page, page_size)
    result["items"] = [_comment(c) for c in result["items"]]
    return result


@router.post(
    ONE + "/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on a section (members)",
)
def add_comment(request, slug: str, standard_slug: str, payload: CommentIn):
    standard, _access = _get(request, slug, standard_slug)
    comment = actions.do_comment(request.user, standard, **payload.model_dump())
    return Status(201, _comment(comment))


@router.get(
    ONE + "/amendments",
    response={200: AmendmentPage, **ERRORS},
    auth=optional_auth,
    summary="Amendments, newest first",
)
def list_amendments(
    request,
    slug: str,
    standard_slug: str,
    status: AmendmentStatusValue | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(30, ge=1, le=100),
):
    standard, _access = _get(request, slug, standard_slug)
    amendments = standard.amendments.select_related("author__profile")
    if status:
        amendments = amendments.filter(status=status)
    result = paginate(amendments, page, page_size)
    result["items"] = [_amendment(a) for a in result["items"]]
    return result


@router.post(
    ONE + "/amendments",
    response={201: AmendmentOut, **ERRORS},
    summary="Propose a replacement for a section (eligible members)",
)
def propose_amendment(request, slug: str, standard_slug: str, payload: AmendmentIn):
    standard, _access = _get(request, slug, standard_slug)
    amendment = actions.do_propose_amendment(request.user, standard, **payload.model_dump())
    return Status(201, _amendment(amendment))


@router.post(
    ONE + "/amendments/{int:amendment_id}/decision",
    response={200: AmendmentOut, **ERRORS},
    summary="Accept (a new version) or reject with a reason (drafters)",
)
def decide_amendment(
    request, slug: str, standard_slug: str, amendment_id: int, payload: DecisionIn
):
    standard, _access = _get(request, slug, standard_slug)
    amendment = Amendment.objects.filter(standard=standard, pk=amendment_id).first()
    if amendment is None:
        raise Http404
    amendment.standard = standard
    actions.do_decide_amendment(request.user, amendment, **payload.model_dump())
    return _amendment(amendment)


# --- Review and vote -----------------------------------------------------------------------


@router.post(
    ONE + "/review",
    response={200: StandardDetailOut, **ERRORS},
    summary="Open (or move) the review period (drafters)",
)
def open_review(request, slug: str, standard_slug: str, payload: ReviewIn):
    standard, access = _get(request, slug, standard_slug)
    actions.do_open_review(request.user, standard, **payload.model_dump())
    return _detail(standard, access)


@router.get(
    ONE + "/votes",
    response={200: BallotPage, **ERRORS},
    auth=optional_auth,
    summary="Ratification votes, newest first; counts only once closed",
)
def list_ballots(
    request,
    slug: str,
    standard_slug: str,
    page: int = Query(1, ge=1),
    page_size: int = Query(30, ge=1, le=100),
):
    standard, _access = _get(request, slug, standard_slug)
    result = paginate(Ballot.objects.filter(standard=standard), page, page_size)
    result["items"] = [_ballot(b) for b in result["items"]]
    return result


@router.post(
    ONE + "/votes",
    response={201: BallotOut, **ERRORS},
    summary="Open the ratification vote on the current version (drafters); freezes the text",
)
def open_vote(request, slug: str, standard_slug: str, payload: OpenVoteIn):
    standard, _access = _get(request, slug, standard_slug)
    data = payload.model_dump()
    group = _group(standard.community, data.pop("eligible_group"), "eligible_group")
    ballot = actions.do_open_vote(request.user, standard, group=group, **data)
    return Status(201, _ballot(ballot))


def _open_ballot(standard):
    ballot = actions.open_ballot(standard)
    if ballot is None:
        raise ActionError(_("There is no open vote on this text."), code="no_vote")
    ballot.standard = standard
    return ballot


@router.post(
    ONE + "/votes/current/ballots",
    response={201: VoteOut, **ERRORS},
    summary="Cast your vote: approve, abstain or object (once; 409 the second time)",
)
def cast_vote(request, slug: str, standard_slug: str, payload: VoteIn):
    standard, _access = _get(request, slug, standard_slug)
    vote = actions.do_vote(request.user, _open_ballot(standard), **payload.model_dump())
    return Status(
        201,
        {
            "ballot": vote.ballot_id,
            "choice": vote.choice,
            "reason": vote.reason,
            "created_at": vote.created_at,
        },
    )


@router.post(
    ONE + "/votes/current/close",
    response={200: BallotOut, **ERRORS},
    summary="Close the vote now and store its result (drafters)",
)
def close_vote(request, slug: str, standard_slug: str):
    standard, _access = _get(request, slug, standard_slug)
    ballot = actions.do_close_vote(request.user, _open_ballot(standard))
    return _ballot(ballot)
