"""The moderator queue and the audit log: bounded queries, shared by pages and API."""

from collections import Counter, defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from koinon.accounts.models import User
from koinon.core.models import ActivityEntry
from koinon.discussions.models import Post, Topic
from koinon.moderation.models import Block, Flag, FlagReason

# An open flag (the join must find a flag: posts without any would match "IS NULL" too).
OPEN = Q(flags__id__isnull=False, flags__resolved_at__isnull=True)
ECHO_WINDOW = timedelta(seconds=5)


def queue_for(community):
    """Posts of `community` with open flags, the longest waiting first."""
    open_flags = Flag.objects.filter(resolved_at__isnull=True).select_related("user__profile")
    return (
        Post.objects.filter(topic__community=community)
        .filter(OPEN)
        .annotate(flag_count=Count("flags", filter=OPEN), waiting_since=Min("flags__created_at"))
        .select_related("topic__community", "author__profile")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("waiting_since", "pk")
    )


def summarise(posts):
    """Each post's reasons with their counts ("Spam ×2"), most frequent first."""
    labels = dict(FlagReason.choices)
    for post in posts:
        counts = Counter(flag.reason for flag in post.open_flags)
        post.reasons = [(labels.get(r, r), n) for r, n in counts.most_common()]
        post.details = [flag.text for flag in post.open_flags if flag.text]
        post.first_flag_at = min(flag.created_at for flag in post.open_flags)
    return posts


def queue_count(community) -> int:
    return (
        Flag.objects.filter(community=community, resolved_at__isnull=True)
        .values("post")
        .distinct()
        .count()
    )


# --- Audit log ----------------------------------------------------------------------

# Moderator actions taken straight from the topic page (discussions) count too.
DISCUSSION_VERBS = ("post.author_revealed", "topic.state_changed", "topic.moved")

VERB_LABELS = {
    "moderation.post_hidden": _("Hid a post"),
    "moderation.post_restored": _("Restored a post"),
    "moderation.post_deleted": _("Deleted a post"),
    "moderation.topic_locked": _("Closed a topic"),
    "moderation.topic_unlocked": _("Reopened a topic"),
    "moderation.topic_moved": _("Moved a topic"),
    "moderation.person_blocked": _("Blocked a person"),
    "moderation.person_unblocked": _("Unblocked a person"),
    "post.author_revealed": _("Revealed the author of an anonymous post"),
    "topic.state_changed": _("Changed the state of a topic"),
    "topic.moved": _("Moved a topic"),
    "post.deleted": _("Deleted someone else's post"),
}


def audit_entries(community, verb: str | None = None):
    """The community's moderator actions (or those of one `verb`), newest first.

    An explicit list of verbs (no prefix match), so the (community, verb, created_at)
    index of the activity log answers it however long the community's log grows.
    """
    own_post = Post.objects.filter(pk=OuterRef("target_id"), author_id=OuterRef("actor_id"))
    verbs = [verb] if verb in VERB_LABELS else list(VERB_LABELS)
    return (
        ActivityEntry.objects.filter(community=community, verb__in=verbs)
        .filter(~Q(verb="post.deleted") | (Q(actor__isnull=False) & ~Exists(own_post)))
        .select_related("actor__profile")
        .order_by("-created_at", "-id")
    )


def decorate_audit(entries):
    """Attach each entry's label, target and named person: a fixed number of queries."""
    entries = list(entries)
    post_type = ContentType.objects.get_for_model(Post)
    topic_type = ContentType.objects.get_for_model(Topic)
    block_type = ContentType.objects.get_for_model(Block)
    ids = defaultdict(set)
    for entry in entries:
        ids[entry.target_type_id].add(entry.target_id)
    posts = Post.objects.select_related("topic__community").in_bulk(ids[post_type.pk])
    topics = Topic.objects.select_related("community").in_bulk(ids[topic_type.pk])
    blocks = Block.objects.in_bulk(ids[block_type.pk])
    people_ids = {b.user_id for b in blocks.values()}
    people = User.objects.select_related("profile").in_bulk(people_ids)
    for entry in entries:
        entry.label = VERB_LABELS.get(entry.verb, entry.verb)
        entry.reason = entry.data.get("reason", "")
        entry.automatic = bool(entry.data.get("automatic"))
        entry.post = entry.topic = entry.person = None
        if entry.target_type_id == post_type.pk:
            entry.post = posts.get(entry.target_id)
            entry.topic = entry.post.topic if entry.post else None
        elif entry.target_type_id == topic_type.pk:
            entry.topic = topics.get(entry.target_id)
        elif entry.target_type_id == block_type.pk:
            block = blocks.get(entry.target_id)
            entry.person = people.get(block.user_id) if block else None
            entry.until = entry.data.get("until")
        if entry.verb == "topic.state_changed":
            entry.changes = {k: v for k, v in entry.data.items() if k != "reason"}
    return _without_echoes(entries)


def _without_echoes(entries):
    """Drop the discussions entry a moderation action wrote alongside its own."""
    mine = defaultdict(list)
    for e in entries:
        if e.verb.startswith("moderation."):
            mine[(e.target_type_id, e.target_id, e.actor_id)].append(e.created_at)

    def echo(e):
        if e.verb == "topic.state_changed":
            if set(e.data) != {"closed"}:
                return False  # a pin or an archive: only the topic page does that
        elif e.verb not in ("topic.moved", "post.deleted"):
            return False
        times = mine.get((e.target_type_id, e.target_id, e.actor_id), [])
        return any(abs(t - e.created_at) < ECHO_WINDOW for t in times)

    return [e for e in entries if not echo(e)]


def active_blocks(community):
    return (
        Block.objects.active()
        .filter(community=community)
        .select_related("user__profile", "created_by__profile")
        .order_by("-created_at", "-id")
    )
