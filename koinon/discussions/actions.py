"""Every write on topics, posts and reactions.

Anonymous posts and the activity log: the log is read by members (feeds,
notifications) and by moderators (`is_private` entries). A moderator may learn
who wrote an anonymous post only through `do_reveal_author`, which is itself
logged; so entries about anonymous writing carry no actor at all (not even a
private one) and say `anonymous: true` instead. The post keeps its author.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.discussions import policy
from koinon.discussions.models import (
    MAX_TAGS,
    POST_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Label,
    Level,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Tag,
    Topic,
    TopicKind,
    TopicState,
)
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.markdown import mentioned_handles, render_with_mentions, resolve_handles


def _require(access, action, obj, message):
    if not policy.can(access, action, obj):
        raise Forbidden(message)


def _refuse_hidden(access, post=None, topic=None):
    """Nobody takes part in what is hidden from them pending review (403, with why)."""
    message = policy.refused_as_hidden(access, post, topic)
    if message:
        raise Forbidden(message, code="hidden")


def _log_actor(actor, item):
    """Who an entry names: nobody when `actor` wrote `item` anonymously."""
    if item.is_anonymous and actor.pk == item.author_id:
        return None
    return actor


def _index(post):
    """Keep the one search in step with the post (a no-op without the search app)."""
    try:
        from koinon.search import index
    except ImportError:
        return
    index.update_post(post)


def _index_topic(topic):
    """Every post of the topic: its title, label, tags, group or answer changed."""
    try:
        from koinon.search import index
    except ImportError:
        return
    index.update_topic(topic)


def clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise ActionError(_("Please write something."), field="body", code="empty")
    if len(body) > POST_MAX_LENGTH:
        raise ActionError(
            _("A post can be at most %(max)s characters long (this one has %(n)s).")
            % {"max": f"{POST_MAX_LENGTH:,}", "n": f"{len(body):,}"},
            field="body",
            code="too_long",
        )
    return body


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ActionError(_("Please give the topic a title."), field="title", code="empty")
    if len(title) > TITLE_MAX_LENGTH:
        raise ActionError(
            _("A title can be at most %(max)s characters long.") % {"max": TITLE_MAX_LENGTH},
            field="title",
            code="too_long",
        )
    return title


def parse_tags(raw) -> list[str]:
    """Tags from a comma-separated string or a list: lower case, hyphenated, unique."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    names = []
    for item in items:
        name = slugify(str(item).strip(), allow_unicode=True)[:TAG_MAX_LENGTH].strip("-")
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ActionError(
            _("Use at most %(max)s tags.") % {"max": MAX_TAGS}, field="tags", code="too_many"
        )
    return names


def _set_tags(topic, names):
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name], _created = Tag.objects.get_or_create(name=name)
    topic.tags.set([existing[name] for name in names])


def _language(community) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    for language in community.languages or []:
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


def _check_anonymous(access, is_anonymous):
    if is_anonymous and not policy.can_post_anonymously(access):
        raise Forbidden(_("This community does not allow anonymous posts."), field="is_anonymous")


def _check_choice(value, choices, field):
    if value not in choices.values:
        raise ActionError(_("Please choose a valid option."), field=field, code="invalid_choice")


def _log_mentions(actor, post, topic, mentions: dict, already=frozenset()):
    """`post.mentioned` with the people @mentioned who may read the topic.

    Not the author, and on an edit not those the previous text mentioned already.
    An anonymous author stays anonymous (the entry names nobody).
    """
    from koinon.accounts.models import User

    ids = set(mentions.values()) - set(already) - {post.author_id}
    if not ids:
        return
    community = topic.community
    people = User.objects.filter(pk__in=ids, is_active=True, erased_at__isnull=True)
    readers = sorted(p.pk for p in people if policy.can_read(access_for(p, community), topic))
    if not readers:
        return
    log_activity(
        _log_actor(actor, post),
        "post.mentioned",
        community=community,
        target=post,
        topic=topic.pk,
        mentioned=readers,
        anonymous=post.is_anonymous,
    )


@transaction.atomic
def do_create_topic(
    actor,
    community,
    *,
    title: str,
    body: str,
    kind: str = TopicKind.DISCUSSION,
    label: str = "",
    tags=(),
    group=None,
    is_anonymous: bool = False,
) -> Topic:
    """A new topic with its opening post."""
    access = access_for(actor, community)
    _require(access, "create_topic", None, _("Only members can start topics here."))
    _check_anonymous(access, is_anonymous)
    _check_choice(kind, TopicKind, "kind")
    _check_choice(label or "", Label, "label")
    if group is not None and group.community_id != community.pk:
        raise ActionError(_("This group belongs to another community."), field="group")
    title, body, names = clean_title(title), clean_body(body), parse_tags(tags)
    now = timezone.now()
    topic = Topic.objects.create(
        community=community,
        group=group,
        kind=kind,
        title=title,
        label=label or "",
        language=_language(community),
        is_anonymous=is_anonymous,
        author=actor,
        created_at=now,
        last_activity_at=now,
    )
    _set_tags(topic, names)
    rendered = render_with_mentions(body)
    post = Post.objects.create(
        topic=topic,
        is_opening=True,
        author=actor,
        is_anonymous=is_anonymous,
        body=body,
        body_html=rendered.html,
        created_at=now,
    )
    _follow_own(actor, topic, now)
    log_activity(
        _log_actor(actor, topic),
        "topic.created",
        community=community,
        target=topic,
        anonymous=is_anonymous,
        kind=kind,
    )
    _log_mentions(actor, post, topic, rendered.mentions)
    _index(post)
    return topic


@transaction.atomic
def do_reply(actor, topic: Topic, *, body: str, is_anonymous: bool = False) -> Post:
    """A reply (an answer, in a question). Concurrent replies never overwrite each other."""
    access = access_for(actor, topic.community)
    if topic.archived:
        raise Forbidden(_("This topic is archived: it can be read but not answered."))
    if topic.closed and not access.is_moderator:
        raise Forbidden(_("This topic is closed: no new replies."), code="closed")
    _refuse_hidden(access, topic=topic)
    _require(access, "reply", topic, _("Only members can reply here."))
    _check_anonymous(access, is_anonymous)
    body, now = clean_body(body), timezone.now()
    rendered = render_with_mentions(body)
    post = Post.objects.create(
        topic=topic,
        author=actor,
        is_anonymous=is_anonymous,
        body=body,
        body_html=rendered.html,
        created_at=now,
    )
    # An UPDATE with F() so two people replying at once both count.
    Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    _follow_own(actor, topic, now)
    log_activity(
        _log_actor(actor, post),
        "post.created",
        community=topic.community,
        target=post,
        topic=topic.pk,
        anonymous=is_anonymous,
    )
    _log_mentions(actor, post, topic, rendered.mentions)
    _index(post)
    return post


@transaction.atomic
def do_edit_post(actor, post: Post, *, body: str) -> Post:
    """New text for a post; the previous text is kept as a revision."""
    access = access_for(actor, post.topic.community)
    _require(access, "edit_post", post, _("You can only edit your own posts."))
    body = clean_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, editor=actor)
    before = set(resolve_handles(mentioned_handles(post.body)).values())
    rendered = render_with_mentions(body)
    post.body, post.body_html, post.edited_at = body, rendered.html, timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    log_activity(
        _log_actor(actor, post),
        "post.edited",
        community=post.topic.community,
        target=post,
        topic=post.topic_id,
    )
    _log_mentions(actor, post, post.topic, rendered.mentions, already=before)
    _index(post)
    return post


@transaction.atomic
def do_delete_post(actor, post: Post) -> Post:
    """Soft delete: the text stays in the database, hidden from every reader."""
    access = access_for(actor, post.topic.community)
    _require(access, "delete_post", post, _("You can only delete your own posts."))
    updated = Post.objects.filter(pk=post.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=actor
    )
    if not updated:
        raise Conflict(_("This post was already deleted."), code="already_deleted")
    post.refresh_from_db()
    topic = post.topic
    if not post.is_opening:
        Topic.objects.filter(pk=topic.pk, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    was_answer = Topic.objects.filter(pk=topic.pk, accepted_answer=post).update(
        accepted_answer=None
    )
    log_activity(
        _log_actor(actor, post),
        "post.deleted",
        community=topic.community,
        target=post,
        topic=topic.pk,
    )
    _index(post)
    if was_answer:
        topic.accepted_answer = None
        _index_topic(topic)
    return post


@transaction.atomic
def do_accept_answer(actor, post: Post) -> Topic:
    topic = post.topic
    access = access_for(actor, topic.community)
    if topic.kind != TopicKind.QUESTION:
        raise ActionError(_("Only questions have an accepted answer."), code="not_a_question")
    _require(access, "accept", topic, _("Only the person who asked, or a moderator, can accept."))
    _refuse_hidden(access, post, topic)
    if post.is_opening or post.is_deleted or post.topic_id != topic.pk:
        raise ActionError(_("This post cannot be accepted as the answer."), code="not_an_answer")
    Topic.objects.filter(pk=topic.pk).update(accepted_answer=post)
    topic.accepted_answer = post
    log_activity(
        _log_actor(actor, topic),
        "answer.accepted",
        community=topic.community,
        target=post,
        topic=topic.pk,
        answer_by=None if post.is_anonymous else post.author_id,
    )
    _index_topic(topic)
    return topic


@transaction.atomic
def do_unaccept_answer(actor, topic: Topic) -> Topic:
    access = access_for(actor, topic.community)
    _require(access, "accept", topic, _("Only the person who asked, or a moderator, can accept."))
    Topic.objects.filter(pk=topic.pk).update(accepted_answer=None)
    topic.accepted_answer = None
    log_activity(
        _log_actor(actor, topic), "answer.unaccepted", community=topic.community, target=topic
    )
    _index_topic(topic)
    return topic


@transaction.atomic
def do_add_reaction(actor, post: Post, kind: str) -> Reaction:
    """One reaction of each kind per person per post; the database enforces it."""
    _check_choice(kind, ReactionKind, "kind")
    access = access_for(actor, post.topic.community)
    if policy.is_self(access, post.author_id):
        raise Forbidden(_("You cannot react to your own post."), code="own_post")
    _refuse_hidden(access, post)
    _require(access, "react", post, _("Only members can react here."))
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, user=actor, kind=kind)
    except IntegrityError as exc:
        raise Conflict(
            _("You have already reacted to this post with “%(kind)s”.")
            % {"kind": ReactionKind(kind).label},
            code="already_reacted",
        ) from exc
    if kind == ReactionKind.HELPFUL:
        Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
    log_activity(
        actor,
        "post.reacted",
        community=post.topic.community,
        target=post,
        kind=kind,
        # The author is named only if they wrote openly (reputation reads this).
        post_author=None if post.is_anonymous else post.author_id,
    )
    return reaction


@transaction.atomic
def do_remove_reaction(actor, post: Post, kind: str) -> None:
    _check_choice(kind, ReactionKind, "kind")
    deleted, _rows = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
    if not deleted:
        raise Conflict(_("You have not reacted to this post that way."), code="not_reacted")
    if kind == ReactionKind.HELPFUL:
        Post.objects.filter(pk=post.pk, helpful_count__gt=0).update(
            helpful_count=F("helpful_count") - 1
        )
    log_activity(actor, "post.unreacted", community=post.topic.community, target=post, kind=kind)


@transaction.atomic
def do_edit_topic(actor, topic: Topic, *, title=None, label=None, tags=None) -> Topic:
    """New title, label or tags for a topic: its author or a moderator."""
    access = access_for(actor, topic.community)
    _require(access, "edit_topic", topic, _("You can only edit your own topics."))
    changed = []
    if title is not None and clean_title(title) != topic.title:
        topic.title = clean_title(title)
        changed.append("title")
    if label is not None and label != topic.label:
        _check_choice(label, Label, "label")
        topic.label = label
        changed.append("label")
    if changed:
        topic.save(update_fields=[*changed, "updated_at"])
    if tags is not None:
        names = parse_tags(tags)
        if sorted(names) != sorted(t.name for t in topic.tags.all()):
            _set_tags(topic, names)
            changed.append("tags")
    if changed:
        log_activity(
            _log_actor(actor, topic),
            "topic.edited",
            community=topic.community,
            target=topic,
            fields=changed,
        )
    if changed:
        _index_topic(topic)
    return topic


@transaction.atomic
def do_set_topic_state(actor, topic: Topic, **flags) -> Topic:
    """Pin, close or archive a topic (and undo it): moderators only."""
    access = access_for(actor, topic.community)
    _require(access, "moderate", topic, _("Only moderators can do this."))
    unknown = set(flags) - {"pinned", "closed", "archived"}
    if unknown:
        raise ActionError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = {name: bool(v) for name, v in flags.items() if getattr(topic, name) != bool(v)}
    if changed:
        for name, value in changed.items():
            setattr(topic, name, value)
        topic.save(update_fields=[*changed, "updated_at"])
        log_activity(
            actor, "topic.state_changed", community=topic.community, target=topic, **changed
        )
    return topic


@transaction.atomic
def do_move_topic(actor, topic: Topic, group) -> Topic:
    """Move a topic into one of the community's groups, or back to the community."""
    access = access_for(actor, topic.community)
    _require(access, "moderate", topic, _("Only moderators can do this."))
    if group is not None and group.community_id != topic.community_id:
        raise ActionError(_("This group belongs to another community."), field="group")
    old = topic.group_id
    topic.group = group
    topic.save(update_fields=["group", "updated_at"])
    log_activity(
        actor,
        "topic.moved",
        community=topic.community,
        target=topic,
        from_group=old,
        to_group=group.pk if group else None,
    )
    _index_topic(topic)
    return topic


@transaction.atomic
def do_reveal_author(actor, post: Post):
    """A moderator learns who wrote an anonymous post; the audit log records it."""
    access = access_for(actor, post.topic.community)
    _require(access, "moderate", post.topic, _("Only moderators can reveal an author."))
    log_activity(
        actor,
        "post.author_revealed",
        community=post.topic.community,
        target=post,
        is_private=True,
        anonymous=post.is_anonymous,
    )
    return post.author


# --- Subscriptions and reading state (personal; not in the activity log) ---------------


@transaction.atomic
def do_set_subscription(actor, topic: Topic, level: str) -> TopicState:
    """Watch, follow normally or mute a topic one may read."""
    _check_choice(level, Level, "level")
    if not policy.can_read(access_for(actor, topic.community), topic):
        raise Forbidden(_("You cannot follow this topic."))
    state, _created = _state(actor, topic)
    if state.level != level:
        state.level = level
        state.save(update_fields=["level"])
    return state


def _state(user, topic):
    try:
        with transaction.atomic():
            return TopicState.objects.get_or_create(user=user, topic=topic)
    except IntegrityError:  # created at the same moment by another request
        return TopicState.objects.get(user=user, topic=topic), False


def do_mark_read(user, topic: Topic, until, state: TopicState | None = None) -> None:
    """Remember that `user` has read `topic` up to `until` (never moving backwards).

    With the reader's `state` already at hand, a page view that brings nothing new
    writes nothing: no write transaction, so readers never queue behind SQLite's lock.
    """
    if until is None or not user.is_authenticated:
        return
    if state is not None and state.last_read_at is not None and state.last_read_at >= until:
        return
    moved = (
        TopicState.objects.filter(user=user, topic=topic)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=until))
        .update(last_read_at=until)
    )
    if not moved and not TopicState.objects.filter(user=user, topic=topic).exists():
        try:
            with transaction.atomic():
                TopicState.objects.create(user=user, topic=topic, last_read_at=until)
        except IntegrityError:
            do_mark_read(user, topic, until)


def _follow_own(user, topic, now):
    """Who writes in a topic watches it (unless they muted it) and has read it."""
    state, created = _state(user, topic)
    fields = []
    if created:
        state.level = Level.WATCH
        fields.append("level")
    if state.last_read_at is None or state.last_read_at < now:
        state.last_read_at = now
        fields.append("last_read_at")
    if fields:
        state.save(update_fields=fields)
