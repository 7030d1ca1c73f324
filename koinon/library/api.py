"""API for the library: practices (versions, diffs, status, adoptions), lessons with
their change proposals, and resources (reviews, citations, file upload).

Everything goes through the library policy (404 for what the caller may not see,
403 for what they may see but not do) and the same actions as the pages. Anonymous
lesson authors come out as `{"id": null, "display_name": "Anonymous member",
"anonymous": true}` to everyone, moderators included.
"""

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.policy import get_community_for
from koinon.discussions.models import MAX_TAGS
from koinon.lib.errors import ActionError
from koinon.library import actions, citations, diff, policy
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
    Resource,
    ResourceKind,
)
from koinon.library.views import filter_practices

router = Router(tags=["library"])

StatusValue = Literal[tuple(PracticeStatus.values)]
OutcomeValue = Literal[tuple(Outcome.values)]
KindValue = Literal[tuple(ResourceKind.values)]


# --- Schemas ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int | None
    display_name: str
    anonymous: bool = False


class PracticeOut(Schema):
    id: int
    community: str
    slug: str
    title: str
    summary: str
    status: str
    version: int
    tags: list[str]
    adoption_count: int
    updated_at: datetime
    url: str


class PracticeDetailOut(PracticeOut):
    when_to_use: str
    body: str
    body_html: str
    maintainers: list[PersonOut]
    adopted_by_me: bool
    can: dict[str, bool] = Field(..., description="What the caller may do with this practice.")


class PracticePage(PageOut):
    items: list[PracticeOut]


class PracticeIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    summary: str = Field(..., max_length=SUMMARY_MAX_LENGTH)
    when_to_use: str = Field("", max_length=TEXT_MAX_LENGTH)
    body: str = Field(..., max_length=BODY_MAX_LENGTH)
    tags: list[str] = Field([], max_length=MAX_TAGS)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class PracticeEdit(PracticeIn):
    base_version: int = Field(
        ..., ge=1, description="The version the edit starts from; 409 if it is not the latest."
    )
    tags: list[str] | None = Field(None, max_length=MAX_TAGS)


class StatusIn(Input):
    status: StatusValue


class VersionOut(Schema):
    number: int
    title: str
    summary: str
    when_to_use: str
    body: str
    author: PersonOut | None
    note: str
    restored_from: int | None
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


class AdoptionIn(Input):
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class AdoptionOut(Schema):
    person: PersonOut
    note: str
    created_at: datetime


class AdoptionPage(PageOut):
    items: list[AdoptionOut]


class ProposalOut(Schema):
    id: int
    lesson_id: int
    practice_id: int
    text: str
    status: str
    reason: str
    decided_at: datetime | None
    created_at: datetime


class DecisionIn(Input):
    accept: bool
    reason: str = Field("", max_length=NOTE_MAX_LENGTH)


class LessonOut(Schema):
    id: int
    community: str
    title: str
    context: str
    tried: str
    outcome: str
    learned: str
    recommend: str
    author: PersonOut
    practices: list[int]
    created_at: datetime
    url: str


class LessonPage(PageOut):
    items: list[LessonOut]


class LessonIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    context: str = Field(..., max_length=TEXT_MAX_LENGTH)
    tried: str = Field(..., max_length=TEXT_MAX_LENGTH)
    outcome: OutcomeValue
    learned: str = Field(..., max_length=TEXT_MAX_LENGTH)
    recommend: str = Field("", max_length=TEXT_MAX_LENGTH)
    is_anonymous: bool = False
    practices: list[int] = Field([], max_length=50, description="Ids of practices it affects.")
    proposal_practice: int | None = Field(None, description="Propose a change to this practice.")
    proposal: str = Field("", max_length=TEXT_MAX_LENGTH)


class LessonFilters(Schema):
    outcome: OutcomeValue | None = None
    went_wrong: bool | None = Field(None, description="Only failed and partly failed ones.")
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class PracticeFilters(Schema):
    status: StatusValue | None = None
    tag: str | None = Field(None, max_length=40)
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class ResourceOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    authors: list[str]
    year: int | None
    publisher: str
    url: str
    doi: str
    isbn: str
    licence: str
    language: str
    description: str
    file_name: str
    file_size: int | None
    file_url: str | None
    created_at: datetime
    page_url: str


class ResourcePage(PageOut):
    items: list[ResourceOut]


class ResourceIn(Input):
    kind: KindValue
    title: str = Field(..., max_length=300)
    authors: list[str] = Field([], max_length=50)
    year: int | None = None
    publisher: str = Field("", max_length=300)
    url: str = Field("", max_length=1000)
    doi: str = Field("", max_length=200)
    isbn: str = Field("", max_length=30)
    licence: str = Field("", max_length=200)
    language: str = Field("", max_length=40)
    description: str = Field("", max_length=TEXT_MAX_LENGTH)


class ResourceFilters(Schema):
    kind: KindValue | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class ReviewIn(Input):
    useful_for: str = Field(..., max_length=200)
    comment: str = Field("", max_length=2000)


class ReviewOut(Schema):
    person: PersonOut
    useful_for: str
    comment: str
    created_at: datetime


# --- Shaping ---------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "display_name": user.display_name, "anonymous": False}


def _lesson_author(lesson) -> dict:
    if lesson.is_anonymous:
        return {"id": None, "display_name": str(policy.ANONYMOUS_LABEL), "anonymous": True}
    if lesson.author is None:
        return {"id": None, "display_name": str(policy.FORMER_MEMBER_LABEL), "anonymous": False}
    return _person(lesson.author)


def _practice(practice) -> dict:
    return {
        "id": practice.pk,
        "community": practice.community.slug,
        "slug": practice.slug,
        "title": practice.title,
        "summary": practice.summary,
        "status": practice.status,
        "version": practice.version,
        "tags": [t.name for t in practice.tags.all()],
        "adoption_count": practice.adoption_count,
        "updated_at": practice.updated_at,
        "url": practice.get_absolute_url(),
    }


def _practice_detail(practice, access) -> dict:
    practice = Practice.objects.select_related("community").get(pk=practice.pk)
    data = _practice(practice)
    adopted = (
        access.is_member and Adoption.objects.filter(practice=practice, user=access.user).exists()
    )
    data.update(
        when_to_use=practice.when_to_use,
        body=practice.body,
        body_html=practice.body_html,
        maintainers=[_person(u) for u in practice.maintainers.select_related("profile")],
        adopted_by_me=adopted,
        can={
            "edit": policy.can_write(access, practice),
            "maintain": policy.can_maintain(access, practice),
            "adopt": policy.can_adopt(access, practice),
        },
    )
    return data


def _version(version) -> dict:
    return {
        "number": version.number,
        "title": version.title,
        "summary": version.summary,
        "when_to_use": version.when_to_use,
        "body": version.body,
        "author": _person(version.author),
        "note": version.note,
        "restored_from": version.restored_from,
        "created_at": version.created_at,
    }


def _lesson(lesson) -> dict:
    return {
        "id": lesson.pk,
        "community": lesson.community.slug,
        "title": lesson.title,
        "context": lesson.context,
        "tried": lesson.tried,
        "outcome": lesson.outcome,
        "learned": lesson.learned,
        "recommend": lesson.recommend,
        "author": _lesson_author(lesson),
        "practices": [p.pk for p in lesson.practices.all()],
        "created_at": lesson.created_at,
        "url": lesson.get_absolute_url(),
    }


def _resource(resource) -> dict:
    file_url = None
    if resource.file:
        file_url = reverse("resource-file", args=[resource.community.slug, resource.pk])
    return {
        "id": resource.pk,
        "community": resource.community.slug,
        "kind": resource.kind,
        "title": resource.title,
        "authors": resource.author_list,
        "year": resource.year,
        "publisher": resource.publisher,
        "url": resource.url,
        "doi": resource.doi,
        "isbn": resource.isbn,
        "licence": resource.licence,
        "language": resource.language,
        "description": resource.description,
        "file_name": resource.file_name,
        "file_size": resource.file_size,
        "file_url": file_url,
        "created_at": resource.created_at,
        "page_url": resource.get_absolute_url(),
    }


# --- Practices -------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/practices",
    response={200: PracticePage, **ERRORS},
    auth=optional_auth,
    summary="Practices of a community",
)
def list_practices(request, slug: str, filters: Query[PracticeFilters]):
    community, _access = get_community_for(request.user, slug, "view_content")
    criteria = filters.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    practices = filter_practices(Practice.objects.filter(community=community), criteria)
    practices = practices.select_related("community").prefetch_related("tags")
    result = paginate(practices, filters.page, filters.page_size)
    result["items"] = [_practice(p) for p in result["items"]]
    return result


@router.post(
    "/communities/{slug}/practices",
    response={201: PracticeDetailOut, **ERRORS},
    summary="Write a practice (members); it starts as version 1, in draft",
)
def create_practice(request, slug: str, payload: PracticeIn):
    community, access = get_community_for(request.user, slug)
    practice = actions.do_create_practice(request.user, community, **payload.model_dump())
    return Status(201, _practice_detail(practice, access))


@router.get(
    "/practices/{int:practice_id}",
    response={200: PracticeDetailOut, **ERRORS},
    auth=optional_auth,
    summary="One practice with its current text",
)
def get_practice(request, practice_id: int):
    practice, access = policy.get_practice_by_id_for(request.user, practice_id)
    return _practice_detail(practice, access)


@router.patch(
    "/practices/{int:practice_id}",
    response={200: PracticeDetailOut, **ERRORS},
    summary="Save a new version (members); 409 if someone saved since base_version",
)
def edit_practice(request, practice_id: int, payload: PracticeEdit):
    practice, access = policy.get_practice_by_id_for(request.user, practice_id)
    actions.do_edit_practice(request.user, practice, **payload.model_dump())
    return _practice_detail(practice, access)


@router.put(
    "/practices/{int:practice_id}/status",
    response={200: PracticeDetailOut, **ERRORS},
    summary="Change the status (maintainers and moderators)",
)
def change_status(request, practice_id: int, payload: StatusIn):
    practice, access = policy.get_practice_by_id_for(request.user, practice_id)
    actions.do_change_status(request.user, practice, payload.status)
    return _practice_detail(practice, access)


@router.get(
    "/practices/{int:practice_id}/versions",
    response={200: VersionPage, **ERRORS},
    auth=optional_auth,
    summary="Every version, newest first",
)
def list_versions(
    request, practice_id: int, page: int = Query(1, ge=1), page_size: int = Query(30, ge=1, le=100)
):
    practice, _access = policy.get_practice_by_id_for(request.user, practice_id)
    result = paginate(practice.versions.select_related("author__profile"), page, page_size)
    result["items"] = [_version(v) for v in result["items"]]
    return result


@router.get(
    "/practices/{int:practice_id}/versions/{int:number}",
    response={200: VersionOut, **ERRORS},
    auth=optional_auth,
    summary="One version",
)
def get_version(request, practice_id: int, number: int):
    practice, _access = policy.get_practice_by_id_for(request.user, practice_id)
    version = practice.versions.select_related("author__profile").filter(number=number).first()
    if version is None:
        raise Http404
    return _version(version)


@router.post(
    "/practices/{int:practice_id}/versions/{int:number}/restore",
    response={200: PracticeDetailOut, **ERRORS},
    summary="Restore an old version as a new version (members)",
)
def restore_version(request, practice_id: int, number: int):
    practice, access = policy.get_practice_by_id_for(request.user, practice_id)
    if not practice.versions.filter(number=number).exists():
        raise Http404
    actions.do_restore_version(request.user, practice, number)
    return _practice_detail(practice, access)


@router.get(
    "/practices/{int:practice_id}/diff",
    response={200: DiffOut, **ERRORS},
    auth=optional_auth,
    summary="Compare two versions: rows per changed field, and a unified diff",
)
def diff_versions(
    request,
    practice_id: int,
    from_version: int = Query(..., alias="from", ge=1),
    to_version: int = Query(..., alias="to", ge=1),
):
    practice, _access = policy.get_practice_by_id_for(request.user, practice_id)
    found = {v.number: v for v in practice.versions.filter(number__in=[from_version, to_version])}
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


@router.get(
    "/practices/{int:practice_id}/adoptions",
    response={200: AdoptionPage, **ERRORS},
    auth=optional_auth,
    summary="Who uses this practice",
)
def list_adoptions(
    request, practice_id: int, page: int = Query(1, ge=1), page_size: int = Query(30, ge=1, le=100)
):
    practice, _access = policy.get_practice_by_id_for(request.user, practice_id)
    adoptions = practice.adoptions.select_related("user__profile")
    result = paginate(adoptions, page, page_size)
    result["items"] = [
        {"person": _person(a.user), "note": a.note, "created_at": a.created_at}
        for a in result["items"]
    ]
    return result


@router.put(
    "/practices/{int:practice_id}/adoption",
    response={200: PracticeDetailOut, **ERRORS},
    summary="“I use this”, with an optional note (members)",
)
def adopt(request, practice_id: int, payload: AdoptionIn):
    practice, access = policy.get_practice_by_id_for(request.user, practice_id)
    actions.do_adopt(request.user, practice, payload.note)
    return _practice_detail(practice, access)


@router.delete(
    "/practices/{int:practice_id}/adoption",
    response={204: None, **ERRORS},
    summary="“I no longer use this”",
)
def unadopt(request, practice_id: int):
    practice, _access = policy.get_practice_by_id_for(request.user, practice_id)
    actions.do_unadopt(request.user, practice)
    return Status(204, None)


@router.get(
    "/practices/{int:practice_id}/proposals",
    response={200: list[ProposalOut], **ERRORS},
    auth=optional_auth,
    summary="Changes proposed by lessons learned",
)
def list_proposals(request, practice_id: int):
    practice, _access = policy.get_practice_by_id_for(request.user, practice_id)
    return list(practice.proposals.all()[:200])


@router.post(
    "/proposals/{int:proposal_id}/decision",
    response={200: ProposalOut, **ERRORS},
    summary="Accept or decline a proposed change (maintainers and moderators)",
)
def decide_proposal(request, proposal_id: int, payload: DecisionIn):
    proposal, _access = policy.get_proposal_for(request.user, proposal_id)
    return actions.do_decide_proposal(
        request.user, proposal, accept=payload.accept, reason=payload.reason
    )


# --- Lessons ---------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/lessons",
    response={200: LessonPage, **ERRORS},
    auth=optional_auth,
    summary="Lessons learned, newest first",
)
def list_lessons(request, slug: str, filters: Query[LessonFilters]):
    community, _access = get_community_for(request.user, slug, "view_content")
    lessons = Lesson.objects.filter(community=community)
    if filters.outcome:
        lessons = lessons.filter(outcome=filters.outcome)
    if filters.went_wrong:
        lessons = lessons.filter(outcome__in=[Outcome.FAILED, Outcome.PARTLY])
    lessons = lessons.select_related("community", "author__profile").prefetch_related("practices")
    result = paginate(lessons, filters.page, filters.page_size)
    result["items"] = [_lesson(lesson) for lesson in result["items"]]
    return result


@router.post(
    "/communities/{slug}/lessons",
    response={201: LessonOut, **ERRORS},
    summary="Log a lesson (members), optionally proposing a change to a practice",
)
def create_lesson(request, slug: str, payload: LessonIn):
    community, _access = get_community_for(request.user, slug)
    data = payload.model_dump()
    ids = set(data.pop("practices"))
    practices = list(Practice.objects.filter(community=community, pk__in=ids))
    if len(practices) != len(ids):
        raise ActionError(_("Unknown practice."), field="practices", code="invalid_choice")
    proposal_id = data.pop("proposal_practice")
    proposal_practice = None
    if proposal_id is not None:
        proposal_practice = Practice.objects.filter(community=community, pk=proposal_id).first()
        if proposal_practice is None:
            raise ActionError(
                _("Unknown practice."), field="proposal_practice", code="invalid_choice"
            )
    lesson = actions.do_create_lesson(
        request.user,
        community,
        practices=practices,
        proposal_practice=proposal_practice,
        **data,
    )
    return Status(201, _lesson(Lesson.objects.select_related("community").get(pk=lesson.pk)))


@router.get(
    "/lessons/{int:lesson_id}",
    response={200: LessonOut, **ERRORS},
    auth=optional_auth,
    summary="One lesson",
)
def get_lesson(request, lesson_id: int):
    lesson, _access = policy.get_lesson_by_id_for(request.user, lesson_id)
    return _lesson(lesson)


@router.get(
    "/lessons/{int:lesson_id}/proposals",
    response={200: list[ProposalOut], **ERRORS},
    auth=optional_auth,
    summary="Changes this lesson proposes",
)
def lesson_proposals(request, lesson_id: int):
    lesson, _access = policy.get_lesson_by_id_for(request.user, lesson_id)
    return list(ChangeProposal.objects.filter(lesson=lesson))


# --- Resources -------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/resources",
    response={200: ResourcePage, **ERRORS},
    auth=optional_auth,
    summary="Resources of a community, newest first",
)
def list_resources(request, slug: str, filters: Query[ResourceFilters]):
    community, _access = get_community_for(request.user, slug, "view_content")
    resources = Resource.objects.filter(community=community).select_related("community")
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    result = paginate(resources, filters.page, filters.page_size)
    result["items"] = [_resource(r) for r in result["items"]]
    return result


@router.post(
    "/communities/{slug}/resources",
    response={201: ResourceOut, **ERRORS},
    summary="Add a resource (members); files go through POST …/resources/upload",
)
def create_resource(request, slug: str, payload: ResourceIn):
    community, _access = get_community_for(request.user, slug)
    data = payload.model_dump()
    data["authors"] = "; ".join(data["authors"])
    resource = actions.do_add_resource(request.user, community, **data)
    return Status(201, _resource(resource))


@router.post(
    "/communities/{slug}/resources/upload",
    response={201: ResourceOut, **ERRORS},
    summary="Add a resource with its file (multipart; checked by content and size)",
)
def upload_resource(
    request,
    slug: str,
    file: File[UploadedFile],
    title: Form[str],
    kind: Form[KindValue] = ResourceKind.FILE,
    description: Form[str] = "",
):
    community, _access = get_community_for(request.user, slug)
    resource = actions.do_add_resource(
        request.user, community, kind=kind, title=title, description=description, file=file
    )
    return Status(201, _resource(resource))


@router.get(
    "/resources/{int:resource_id}",
    response={200: ResourceOut, **ERRORS},
    auth=optional_auth,
    summary="One resource",
)
def get_resource(request, resource_id: int):
    resource, _access = policy.get_resource_by_id_for(request.user, resource_id)
    return _resource(resource)


@router.post(
    "/resources/{int:resource_id}/file",
    response={200: ResourceOut, **ERRORS},
    summary="Upload or replace the resource's file (multipart; checked by content and size)",
)
def upload_file(request, resource_id: int, file: File[UploadedFile]):
    resource, _access = policy.get_resource_by_id_for(request.user, resource_id)
    fields = {name: getattr(resource, name) for name in actions.RESOURCE_FIELDS}
    actions.do_edit_resource(request.user, resource, file=file, **fields)
    return _resource(resource)


@router.get(
    "/resources/{int:resource_id}/citation",
    response={200: str, **ERRORS},
    auth=optional_auth,
    summary="The citation as BibTeX or RIS text",
)
def resource_citation(request, resource_id: int, format: Literal["bibtex", "ris"] = "bibtex"):
    resource, _access = policy.get_resource_by_id_for(request.user, resource_id)
    if format == "ris":
        return HttpResponse(
            citations.ris(resource), content_type="application/x-research-info-systems"
        )
    return HttpResponse(citations.bibtex(resource), content_type="application/x-bibtex")


@router.get(
    "/resources/{int:resource_id}/reviews",
    response={200: list[ReviewOut], **ERRORS},
    auth=optional_auth,
    summary="“Useful for…” reviews",
)
def list_reviews(request, resource_id: int):
    resource, _access = policy.get_resource_by_id_for(request.user, resource_id)
    return [
        {
            "person": _person(r.author),
            "useful_for": r.useful_for,
            "comment": r.comment,
            "created_at": r.created_at,
        }
        for r in resource.reviews.select_related("author__profile")[:200]
    ]


@router.put(
    "/resources/{int:resource_id}/review",
    response={200: ReviewOut, **ERRORS},
    summary="Say what the resource is useful for (members; one review each, updated)",
)
def review_resource(request, resource_id: int, payload: ReviewIn):
    resource, _access = policy.get_resource_by_id_for(request.user, resource_id)
    review = actions.do_review_resource(request.user, resource, **payload.model_dump())
    return {
        "person": _person(request.user),
        "useful_for": review.useful_for,
        "comment": review.comment,
        "created_at": review.created_at,
    }
