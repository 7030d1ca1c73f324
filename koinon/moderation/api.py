"""Moderation API: flag a post; the moderators' queue, reviews, hide and restore, lock and
move, blocks and the audit log. Errors in the one shape of `koinon/api/errors.py`."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from koinon.accounts.models import User
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.discussions import policy as discussions_policy
from koinon.discussions.models import Post
from koinon.lib.errors import ActionError
from koinon.moderation import actions, queries
from koinon.moderation.models import (
    FLAG_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Block,
    FlagReason,
)
from koinon.moderation.policy import get_moderated_community

router = Router(tags=["moderation"])

Reason = Literal[tuple(FlagReason.values)]
Decision = Literal[tuple(actions.DECISIONS)]


# --- Schemas ---------------------------------------------------------------------


class FlagIn(Input):
    reason: Reason
    text: str = Field("", max_length=FLAG_TEXT_MAX_LENGTH)


class FlagOut(Schema):
    id: int
    post_id: int
    reason: str
    text: str
    created_at: datetime
    post_hidden: bool


class ReasonIn(Input):
    reason: str = Field("", max_length=REASON_MAX_LENGTH)


class ReviewIn(ReasonIn):
    decision: Decision


class LockIn(ReasonIn):
    locked: bool = True


class MoveIn(ReasonIn):
    group: str | None = Field(None, max_length=60, description="A group's slug; null: none.")


class BlockIn(Input):
    user_id: int
    reason: str = Field(..., min_length=1, max_length=REASON_MAX_LENGTH)
    ends_at: datetime | None = None


class ReasonCount(Schema):
    reason: str
    count: int


class QueueItem(Schema):
    post_id: int
    topic_id: int
    topic_title: str
    url: str
    is_opening: bool
    hidden: bool
    author_id: int | None
    body: str
    flag_count: int
    first_flagged_at: datetime
    reasons: list[ReasonCount]
    details: list[str]


class QueuePage(PageOut):
    items: list[QueueItem]


class PostStateOut(Schema):
    post_id: int
    hidden: bool
    deleted: bool
    open_flags: int


class TopicStateOut(Schema):
    topic_id: int
    closed: bool
    group: str | None


class BlockOut(Schema):
    id: int
    user_id: int
    display_name: str
    reason: str
    ends_at: datetime | None
    created_at: datetime
    created_by: str | None


class BlockPage(PageOut):
    items: list[BlockOut]


class AuditOut(Schema):
    id: int
    verb: str
    label: str
    actor: str | None
    automatic: bool
    reason: str
    post_id: int | None
    topic_id: int | None
    person_id: int | None
    created_at: datetime


class AuditPage(PageOut):
    items: list[AuditOut]


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


AuditVerb = Literal[tuple(queries.VERB_LABELS)]


class AuditQuery(PageQuery):
    verb: AuditVerb | None = Field(None, description="Only the actions of this verb.")


# --- Shaping ---------------------------------------------------------------------


def _post_state(post) -> dict:
    post.refresh_from_db()
    return {
        "post_id": post.pk,
        "hidden": post.is_hidden,
        "deleted": post.is_deleted,
        "open_flags": post.flags.filter(resolved_at__isnull=True).count(),
    }


def _moderated_post(request, post_id):
    post, access = discussions_policy.get_post_for(request.user, post_id)
    if not access.is_moderator:
        raise PermissionDenied
    return post


def _moderated_topic(request, topic_id):
    topic, access = discussions_policy.get_topic_by_id_for(request.user, topic_id)
    if not access.is_moderator:
        raise PermissionDenied
    return topic


def _block(block) -> dict:
    return {
        "id": block.pk,
        "user_id": block.user_id,
        "display_name": block.user.display_name,
        "reason": block.reason,
        "ends_at": block.ends_at,
        "created_at": block.created_at,
        "created_by": block.created_by.display_name if block.created_by else None,
    }


# --- Flags -----------------------------------------------------------------------


@router.post(
    "/posts/{int:post_id}/flags",
    response={201: FlagOut, **ERRORS},
    summary="Flag a post for the moderators (one open flag per person per post)",
)
def flag_post(request, post_id: int, payload: FlagIn):
    post, _access = discussions_policy.get_post_for(request.user, post_id)
    flag = actions.do_flag_post(request.user, post, reason=payload.reason, text=payload.text)
    post.refresh_from_db(fields=["hidden_at"])
    return Status(
        201,
        {
            "id": flag.pk,
            "post_id": post.pk,
            "reason": flag.reason,
            "text": flag.text,
            "created_at": flag.created_at,
            "post_hidden": post.is_hidden,
        },
    )


# --- Queue and reviews -----------------------------------------------------------


@router.get(
    "/communities/{slug}/moderation/queue",
    response={200: QueuePage, **ERRORS},
    summary="Flagged posts waiting for review, the longest waiting first (moderators)",
)
def queue(request, slug: str, query: Query[PageQuery]):
    community, _access = get_moderated_community(request.user, slug)
    result = paginate(queries.queue_for(community), query.page, query.page_size)
    result["items"] = [
        {
            "post_id": post.pk,
            "topic_id": post.topic_id,
            "topic_title": post.topic.title,
            "url": post.get_absolute_url(),
            "is_opening": post.is_opening,
            "hidden": post.is_hidden,
            "author_id": None if post.is_anonymous else post.author_id,
            "body": post.body,
            "flag_count": post.flag_count,
            "first_flagged_at": post.first_flag_at,
            "reasons": [{"reason": str(label), "count": n} for label, n in post.reasons],
            "details": post.details,
        }
        for post in queries.summarise(result["items"])
    ]
    return result


@router.post(
    "/communities/{slug}/moderation/queue/{int:post_id}/review",
    response={200: PostStateOut, **ERRORS},
    summary="Agree (hide or delete) or disagree (restore, clearing the flags)",
)
def review(request, slug: str, post_id: int, payload: ReviewIn):
    community, _access = get_moderated_community(request.user, slug)
    post = get_object_or_404(
        Post.objects.select_related("topic__community"), pk=post_id, topic__community=community
    )
    actions.do_review(request.user, post, decision=payload.decision, reason=payload.reason)
    return _post_state(post)


@router.post(
    "/posts/{int:post_id}/hide",
    response={200: PostStateOut, **ERRORS},
    summary="Hide a post until restored (moderators)",
)
def hide_post(request, post_id: int, payload: ReasonIn):
    post = _moderated_post(request, post_id)
    actions.do_hide_post(request.user, post, reason=payload.reason)
    return _post_state(post)


@router.post(
    "/posts/{int:post_id}/restore",
    response={200: PostStateOut, **ERRORS},
    summary="Show a hidden post again and clear its flags (moderators)",
)
def restore_post(request, post_id: int, payload: ReasonIn):
    post = _moderated_post(request, post_id)
    actions.do_restore_post(request.user, post, reason=payload.reason)
    return _post_state(post)


@router.post(
    "/topics/{int:topic_id}/lock",
    response={200: TopicStateOut, **ERRORS},
    summary="Close (or reopen) a topic, with a reason for the audit log (moderators)",
)
def lock_topic(request, topic_id: int, payload: LockIn):
    topic = _moderated_topic(request, topic_id)
    actions.do_lock_topic(request.user, topic, locked=payload.locked, reason=payload.reason)
    return {"topic_id": topic.pk, "closed": topic.closed, "group": _slug(topic.group)}


@router.post(
    "/topics/{int:topic_id}/move",
    response={200: TopicStateOut, **ERRORS},
    summary="Move a topic into a group of its community, or out of any (moderators)",
)
def move_topic(request, topic_id: int, payload: MoveIn):
    topic = _moderated_topic(request, topic_id)
    group = None
    if payload.group:
        group = topic.community.groups.filter(slug=payload.group).first()
        if group is None:
            raise ActionError(
                _("This group does not exist in the community."), field="group", code="not_found"
            )
    actions.do_move_topic(request.user, topic, group, reason=payload.reason)
    return {"topic_id": topic.pk, "closed": topic.closed, "group": _slug(topic.group)}


def _slug(group):
    return group.slug if group else None


# --- Blocks ----------------------------------------------------------------------


@router.get(
    "/communities/{slug}/moderation/blocks",
    response={200: BlockPage, **ERRORS},
    summary="People blocked in the community now (moderators)",
)
def list_blocks(request, slug: str, query: Query[PageQuery]):
    community, _access = get_moderated_community(request.user, slug)
    result = paginate(queries.active_blocks(community), query.page, query.page_size)
    result["items"] = [_block(b) for b in result["items"]]
    return result


@router.post(
    "/communities/{slug}/moderation/blocks",
    response={201: BlockOut, **ERRORS},
    summary="Block a person: they may read but not write in the community (moderators)",
)
def create_block(request, slug: str, payload: BlockIn):
    community, _access = get_moderated_community(request.user, slug)
    user = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise ActionError(_("No such person."), field="user_id", code="not_found")
    block = actions.do_block(
        request.user, community, user, reason=payload.reason, ends_at=payload.ends_at
    )
    block = Block.objects.select_related("user__profile", "created_by__profile").get(pk=block.pk)
    return Status(201, _block(block))


@router.delete(
    "/communities/{slug}/moderation/blocks/{int:block_id}",
    response={204: None, **ERRORS},
    summary="Unblock (moderators)",
)
def delete_block(request, slug: str, block_id: int, reason: str = Query("", max_length=500)):
    community, _access = get_moderated_community(request.user, slug)
    block = get_object_or_404(Block, pk=block_id, community=community)
    actions.do_unblock(request.user, block, reason=reason)
    return Status(204, None)


# --- Audit log -------------------------------------------------------------------


@router.get(
    "/communities/{slug}/moderation/audit",
    response={200: AuditPage, **ERRORS},
    summary="Every moderator action in the community, newest first (moderators)",
)
def audit(request, slug: str, query: Query[AuditQuery]):
    community, _access = get_moderated_community(request.user, slug)
    entries = queries.audit_entries(community, query.verb)
    result = paginate(entries, query.page, query.page_size)
    result["items"] = [
        {
            "id": e.pk,
            "verb": e.verb,
            "label": str(e.label),
            "actor": e.actor.display_name if e.actor else None,
            "automatic": e.automatic,
            "reason": e.reason,
            "post_id": e.post.pk if e.post else None,
            "topic_id": e.topic.pk if e.topic else None,
            "person_id": e.person.pk if e.person else None,
            "created_at": e.created_at,
        }
        for e in queries.decorate_audit(result["items"])
    ]
    return result
