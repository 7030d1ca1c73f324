"""API endpoints for topics, posts, answers, reactions, and the one search.

Each endpoint fetches through the discussions policy (404 for what the caller may not
see, 403 for what they may see but not do) and writes through the same actions as
the pages. Anonymous authors come out as `{"id": null, "display_name": "Anonymous
member", "anonymous": true}` to everyone, moderators included.
"""

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.communities.policy import get_community_for
from koinon.discussions import actions, limits, policy, views
from koinon.discussions.models import (
    MAX_TAGS,
    POST_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Label,
    Level,
    ReactionKind,
    Topic,
    TopicKind,
    TopicState,
)
from koinon.moderation import policy as moderation_policy
from koinon.search import kinds as search_kinds

router = Router(tags=["discussions"])

Kind = Literal[tuple(TopicKind.values)]
LabelValue = Literal[tuple(Label.values)]
# The one search's kinds of content ("practices", "events"...) and the topic kinds.
SearchKind = Literal[tuple(search_kinds.filter_values())]
Reaction = Literal[tuple(ReactionKind.values)]
State = Literal["answered", "unanswered"]
LevelValue = Literal[tuple(Level.values)]


# --- Schemas ---------------------------------------------------------------------


class AuthorOut(Schema):
    id: int | None
    display_name: str
    anonymous: bool


class TopicOut(Schema):
    id: int
    community: str
    group: str | None
    kind: str
    title: str
    label: str
    tags: list[str]
    pinned: bool
    closed: bool
    archived: bool
    author: AuthorOut
    reply_count: int
    answered: bool
    accepted_answer_id: int | None
    created_at: datetime
    last_activity_at: datetime
    url: str


class TopicDetailOut(TopicOut):
    opening_post_id: int | None
    body: str
    body_html: str
    can: dict[str, bool] = Field(..., description="What the caller may do with this topic.")


class TopicPage(PageOut):
    items: list[TopicOut]


class PostOut(Schema):
    id: int
    topic_id: int
    is_opening: bool
    author: AuthorOut | None = Field(None, description="Absent for deleted posts.")
    deleted: bool
    hidden: bool = Field(False, description="Hidden pending review: text empty for readers.")
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    helpful_count: int
    reactions: dict[str, int]
    my_reactions: list[str]
    accepted: bool
    can_edit: bool
    url: str


class PostPage(PageOut):
    items: list[PostOut]


class TopicIn(Input):
    title: str = Field(..., max_length=TITLE_MAX_LENGTH)
    body: str = Field(..., max_length=POST_MAX_LENGTH)
    kind: Kind = TopicKind.DISCUSSION
    label: LabelValue = Label.NONE
    tags: list[str] = Field([], max_length=MAX_TAGS)
    group: str | None = Field(None, max_length=60, description="A group's slug.")
    is_anonymous: bool = False


class PostIn(Input):
    body: str = Field(..., max_length=POST_MAX_LENGTH)
    is_anonymous: bool = False


class PostPatch(Input):
    body: str = Field(..., max_length=POST_MAX_LENGTH)


class ReactionIn(Input):
    kind: Reaction


class TopicFilters(Schema):
    kind: Kind | None = None
    label: LabelValue | None = None
    tag: str | None = Field(None, max_length=40)
    state: State | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=200)
    community: str | None = Field(None, max_length=60)
    group: str | None = Field(None, max_length=60)
    kind: SearchKind | None = None
    label: LabelValue | None = None
    tag: str | None = Field(None, max_length=40)
    author: int | None = None
    since: date | None = None
    until: date | None = None
    answered: bool | None = None
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=50)


class SearchHit(Schema):
    url: str
    topic_title: str
    title_html: str
    snippet_html: str
    community: str
    kind: str
    content_kind: str
    answered: bool
    author: str
    created_at: datetime


class SearchPage(PageOut):
    items: list[SearchHit]


# --- Shaping ---------------------------------------------------------------------


def _author(item) -> dict:
    if item.is_anonymous:
        return {"id": None, "display_name": str(policy.ANONYMOUS_LABEL), "anonymous": True}
    name = getattr(item, "author_name", None) or policy.author_label(item)  # set by decorate
    return {"id": item.author_id, "display_name": name, "anonymous": False}


def _topic(topic) -> dict:
    return {
        "id": topic.pk,
        "community": topic.community.slug,
        "group": topic.group.slug if topic.group else None,
        "kind": topic.kind,
        "title": topic.title,
        "label": topic.label,
        "tags": [tag.name for tag in topic.tags.all()],
        "pinned": topic.pinned,
        "closed": topic.closed,
        "archived": topic.archived,
        "author": _author(topic),
        "reply_count": topic.reply_count,
        "answered": topic.is_question and topic.is_answered,
        "accepted_answer_id": topic.accepted_answer_id,
        "created_at": topic.created_at,
        "last_activity_at": topic.last_activity_at,
        "url": topic.get_absolute_url(),
    }


def _topic_detail(topic, access) -> dict:
    topic = Topic.objects.select_related("community", "group", "author__profile").get(pk=topic.pk)
    opening = topic.posts.filter(is_opening=True).first()
    if (
        opening is not None
        and opening.is_hidden
        and not moderation_policy.sees_hidden(access, opening)
    ):
        opening.body = opening.body_html = ""  # hidden pending review
    data = _topic(topic)
    data.update(
        opening_post_id=opening.pk if opening else None,
        body="" if not opening or opening.is_deleted else opening.body,
        body_html="" if not opening or opening.is_deleted else opening.body_html,
        can={
            action: policy.can(access, action, topic)
            for action in ("reply", "accept", "moderate", "post_anonymously")
        },
    )
    return data


def _post(post) -> dict:
    """A post decorated by `views.decorate_posts` (reactions, rights, acceptance)."""
    deleted = post.is_deleted
    return {
        "id": post.pk,
        "topic_id": post.topic_id,
        "is_opening": post.is_opening,
        "author": None if deleted else _author(post),
        "deleted": deleted,
        "hidden": post.is_hidden,
        "body": "" if deleted else post.body,
        "body_html": "" if deleted else post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "helpful_count": post.helpful_count,
        "reactions": {r["kind"]: r["count"] for r in post.reaction_buttons},
        "my_reactions": [r["kind"] for r in post.reaction_buttons if r["pressed"]],
        "accepted": post.is_accepted,
        "can_edit": post.can_edit,
        "url": post.get_absolute_url(),
    }


def _post_out(post, access) -> dict:
    post.refresh_from_db()
    (post,) = views.decorate_posts(
        [post], Topic.objects.select_related("community").get(pk=post.topic_id), access
    )
    return _post(post)


# --- Topics ----------------------------------------------------------------------


@router.get(
    "/communities/{slug}/topics",
    response={200: TopicPage, **ERRORS},
    auth=optional_auth,
    summary="Topics of a community: pinned first, then by latest activity",
)
def list_topics(request, slug: str, filters: Query[TopicFilters]):
    community, access = get_community_for(request.user, slug, "view_content")
    criteria = filters.model_dump(exclude={"page", "page_size"}, exclude_none=True)
    topics = views.filter_topics(
        Topic.objects.filter(community=community, archived=False).visible_to(access), criteria
    )
    topics = topics.select_related("community", "group", "author__profile").prefetch_related("tags")
    result = paginate(topics, filters.page, filters.page_size)
    result["items"] = [_topic(t) for t in result["items"]]
    return result


@router.post(
    "/communities/{slug}/topics",
    response={201: TopicDetailOut, **ERRORS},
    summary="Start a topic or ask a question (members)",
)
def create_topic(request, slug: str, payload: TopicIn):
    community, access = get_community_for(request.user, slug)
    group = None
    if payload.group:
        group = get_object_or_404(community.groups, slug=payload.group)
    fields = payload.model_dump(exclude={"group"})
    if policy.can_create_topic(access):
        limits.check(request.user, access, body=payload.body, starting_topic=True)
    topic = actions.do_create_topic(request.user, community, group=group, **fields)
    return Status(201, _topic_detail(topic, access))


@router.get(
    "/topics/{int:topic_id}",
    response={200: TopicDetailOut, **ERRORS},
    auth=optional_auth,
    summary="One topic with its opening post",
)
def get_topic(request, topic_id: int):
    topic, access = policy.get_topic_by_id_for(request.user, topic_id)
    return _topic_detail(topic, access)


@router.get(
    "/topics/{int:topic_id}/posts",
    response={200: PostPage, **ERRORS},
    auth=optional_auth,
    summary="Replies; in a question: accepted answer first, then the most helpful",
)
def list_posts(
    request, topic_id: int, page: int = Query(1, ge=1), page_size: int = Query(30, ge=1, le=100)
):
    topic, access = policy.get_topic_by_id_for(request.user, topic_id)
    result = paginate(views._ordered_replies(topic), page, page_size)
    result["items"] = [_post(p) for p in views.decorate_posts(result["items"], topic, access)]
    return result


@router.post(
    "/topics/{int:topic_id}/posts",
    response={201: PostOut, **ERRORS},
    summary="Reply, or answer a question (members)",
)
def create_post(request, topic_id: int, payload: PostIn):
    topic, access = policy.get_topic_by_id_for(request.user, topic_id)
    if policy.can_reply(access, topic):
        limits.check(request.user, access, body=payload.body, starting_topic=False)
    post = actions.do_reply(request.user, topic, **payload.model_dump())
    return Status(201, _post_out(post, access))


@router.delete(
    "/topics/{int:topic_id}/accepted-answer",
    response={204: None, **ERRORS},
    summary="Withdraw the accepted answer (the asker or a moderator)",
)
def unaccept_answer(request, topic_id: int):
    topic, _access = policy.get_topic_by_id_for(request.user, topic_id)
    actions.do_unaccept_answer(request.user, topic)
    return Status(204, None)


class SubscriptionIn(Input):
    level: LevelValue


class SubscriptionOut(Schema):
    level: str
    last_read_at: datetime | None


@router.get(
    "/topics/{int:topic_id}/subscription",
    response={200: SubscriptionOut, **ERRORS},
    summary="How I follow this topic and how far I have read",
)
def get_subscription(request, topic_id: int):
    topic, _access = policy.get_topic_by_id_for(request.user, topic_id)
    state = TopicState.objects.filter(user=request.user, topic=topic).first()
    return state or {"level": Level.NORMAL, "last_read_at": None}


@router.put(
    "/topics/{int:topic_id}/subscription",
    response={200: SubscriptionOut, **ERRORS},
    summary="Watch, follow normally or mute this topic",
)
def set_subscription(request, topic_id: int, payload: SubscriptionIn):
    topic, _access = policy.get_topic_by_id_for(request.user, topic_id)
    return actions.do_set_subscription(request.user, topic, payload.level)


# --- Posts -----------------------------------------------------------------------


def _live_post(request, post_id):
    post, access = policy.get_post_for(request.user, post_id)
    if post.is_deleted:
        raise Http404
    return post, access


@router.get(
    "/posts/{int:post_id}",
    response={200: PostOut, **ERRORS},
    auth=optional_auth,
    summary="One post",
)
def get_post(request, post_id: int):
    post, access = policy.get_post_for(request.user, post_id)
    return _post_out(post, access)


@router.patch(
    "/posts/{int:post_id}", response={200: PostOut, **ERRORS}, summary="Edit (history kept)"
)
def edit_post(request, post_id: int, payload: PostPatch):
    post, access = _live_post(request, post_id)
    actions.do_edit_post(request.user, post, body=payload.body)
    return _post_out(post, access)


@router.delete("/posts/{int:post_id}", response={204: None, **ERRORS}, summary="Delete")
def delete_post(request, post_id: int):
    post, _access = _live_post(request, post_id)
    actions.do_delete_post(request.user, post)
    return Status(204, None)


@router.post(
    "/posts/{int:post_id}/accept",
    response={200: TopicDetailOut, **ERRORS},
    summary="Accept this answer (the asker or a moderator)",
)
def accept_answer(request, post_id: int):
    post, access = _live_post(request, post_id)
    topic = actions.do_accept_answer(request.user, post)
    return _topic_detail(topic, access)


@router.post(
    "/posts/{int:post_id}/reactions",
    response={201: PostOut, **ERRORS},
    summary="React: helpful, thanks or insightful (once each)",
)
def add_reaction(request, post_id: int, payload: ReactionIn):
    post, access = _live_post(request, post_id)
    actions.do_add_reaction(request.user, post, payload.kind)
    return Status(201, _post_out(post, access))


@router.delete(
    "/posts/{int:post_id}/reactions/{kind}",
    response={204: None, **ERRORS},
    summary="Take a reaction back",
)
def remove_reaction(request, post_id: int, kind: Reaction):
    post, _access = _live_post(request, post_id)
    actions.do_remove_reaction(request.user, post, kind)
    return Status(204, None)


# --- Search ----------------------------------------------------------------------


@router.get(
    "/search",
    response={200: SearchPage, **ERRORS},
    auth=optional_auth,
    tags=["search"],
    summary="Search every kind of content the caller may read",
)
def search_posts(request, filters: Query[SearchFilters]):
    from koinon.search.query import search

    criteria = filters.model_dump(exclude={"q", "page", "page_size"}, exclude_none=True)
    offset = (filters.page - 1) * filters.page_size
    results = search(request.user, filters.q, criteria, limit=filters.page_size, offset=offset)
    pages = max(1, -(-results.total // filters.page_size))
    items = [
        {
            "url": r.url,
            "topic_title": r.topic_title,
            "title_html": str(r.title_html),
            "snippet_html": str(r.snippet_html),
            "community": r.community_slug,
            "kind": r.kind,
            "content_kind": r.content_kind,
            "answered": r.is_answered,
            "author": r.author_name,
            "created_at": r.created_at,
        }
        for r in results.items
    ]
    return {
        "count": results.total,
        "page": filters.page,
        "pages": pages,
        "page_size": filters.page_size,
        "items": items,
    }
