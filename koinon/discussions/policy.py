"""Who may read and write topics and posts, on top of the communities policy.

A topic is readable by whoever may read the community's content (group topics
the same); private and secret content answers 404 to everyone else.
Anonymous authorship: the author is stored but never shown; `author_label`
is the one place that decides what a reader sees.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from koinon.accounts.models import display_names, names_of_authors
from koinon.communities.policy import (
    Access,
    access_for,
    access_to_read,
    content_communities_for,
)
from koinon.discussions.models import Post, Topic, TopicKind
from koinon.lib import page_cache

ANONYMOUS_LABEL = _("Anonymous member")


def is_self(access: Access, user_id) -> bool:
    return user_id is not None and access.user_id == user_id


def sees_hidden(access: Access, item) -> bool:
    """A post or topic hidden pending review: its author and the moderators still see it."""
    return access.is_moderator or is_self(access, item.author_id)


def hidden_from(access: Access, item) -> bool:
    """`item` (a post or a topic) is hidden pending review, and not for this reader."""
    return item.hidden_at is not None and not sees_hidden(access, item)


def refused_as_hidden(access: Access, post: Post | None = None, topic: Topic | None = None):
    """Why the reader may not take part here, if the post or its topic is hidden from them."""
    topic = topic if topic is not None else post.topic
    if hidden_from(access, topic):
        return _("This topic is hidden until the moderators review it.")
    if post is not None and hidden_from(access, post):
        return _("This post is hidden until the moderators review it.")
    return None


def can_read(access: Access, topic: Topic | None = None) -> bool:
    return access.can("view_content")


def can_create_topic(access: Access, topic: Topic | None = None) -> bool:
    return access.is_member


def can_reply(access: Access, topic: Topic) -> bool:
    if not access.is_member or topic.archived or hidden_from(access, topic):
        return False
    return not topic.closed or access.is_moderator


def can_post_anonymously(access: Access, topic: Topic | None = None) -> bool:
    return access.is_member and access.community.allow_anonymous


def can_edit_post(access: Access, post: Post) -> bool:
    if post.is_deleted or post.topic.archived or not access.is_member:
        return False
    return is_self(access, post.author_id) or access.is_moderator


def can_delete_post(access: Access, post: Post) -> bool:
    return can_edit_post(access, post)


def can_accept(access: Access, topic: Topic) -> bool:
    if topic.kind != TopicKind.QUESTION or topic.archived or not access.is_member:
        return False
    return is_self(access, topic.author_id) or access.is_moderator


def can_edit_topic(access: Access, topic: Topic) -> bool:
    if topic.archived or not access.is_member:
        return False
    return is_self(access, topic.author_id) or access.is_moderator


def can_react(access: Access, post: Post) -> bool:
    if not access.is_member or post.is_deleted or post.topic.archived:
        return False
    if refused_as_hidden(access, post):
        return False
    return not is_self(access, post.author_id)


def can_moderate(access: Access, topic: Topic | None = None) -> bool:
    return access.is_moderator


RULES = {
    "read": can_read,
    "create_topic": can_create_topic,
    "reply": can_reply,
    "post_anonymously": can_post_anonymously,
    "edit_post": can_edit_post,
    "edit_topic": can_edit_topic,
    "delete_post": can_delete_post,
    "accept": can_accept,
    "react": can_react,
    "moderate": can_moderate,
}


def can(access: Access, action: str, obj=None) -> bool:
    rule = RULES.get(action)
    if rule is None:
        raise ValueError(f"Unknown discussions action {action!r}")
    return rule(access, obj)


def visible_topics_for(user):
    """Topics in communities whose content `user` may read, without those hidden pending
    review (but for their author and the moderators of their community)."""
    return Topic.objects.filter(community__in=content_communities_for(user)).not_hidden(
        user, moderated_community_ids(user)
    )


def moderated_community_ids(user):
    """A subquery: the communities `user` moderates (not while blocked there)."""
    from django.db.models import Exists, OuterRef

    from koinon.communities.models import Membership, Role
    from koinon.moderation.models import Block

    if not user.is_authenticated:
        return Membership.objects.none().values("community_id")
    blocked = Block.objects.active().filter(community=OuterRef("community"), user=user)
    return (
        Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.MODERATOR])
        .exclude(Exists(blocked))
        .values("community_id")
    )


def visible_posts_for(user):
    return Post.objects.filter(
        topic__community__in=content_communities_for(user), deleted_at__isnull=True
    )


def get_topic_for(user, slug: str, topic_id: int, action: str = "read"):
    """The topic and the reader's access; 404 if unseen, 403 if seen but not allowed."""
    topic = (
        Topic.objects.select_related("community", "group")
        .filter(pk=topic_id, community__slug=slug)
        .first()
    )
    return topic, _authorise(user, topic, action)


def get_topic_to_read(user, slug: str, topic_id: int):
    """`get_topic_for` a topic's page: the topic (with its community and group) and the
    reader's membership are kept until the community changes, as the anonymous pages
    are (koinon.lib.page_cache). Actions read them afresh with `get_topic_for`."""

    def load():
        return (
            Topic.objects.select_related("community", "group")
            .filter(pk=topic_id, community__slug=slug)
            .first()
        )

    topic = page_cache.remembered(slug, f"topic:{topic_id}:row", load)
    if topic is None:
        raise Http404
    access = access_to_read(user, topic.community)
    if not can_read(access, topic):
        raise Http404
    return topic, access


def get_topic_by_id_for(user, topic_id: int, action: str = "read"):
    topic = Topic.objects.select_related("community", "group").filter(pk=topic_id).first()
    return topic, _authorise(user, topic, action)


def _authorise(user, topic, action, obj=None) -> Access:
    if topic is None:
        raise Http404
    access = access_for(user, topic.community)
    if not can_read(access, topic):
        raise Http404
    if not can(access, action, obj if obj is not None else topic):
        raise PermissionDenied
    return access


def get_post_for(user, post_id: int, action: str = "read"):
    """The post (with its topic and community) and the reader's access."""
    post = (
        Post.objects.select_related("topic__community", "topic__group", "author__profile")
        .filter(pk=post_id)
        .first()
    )
    if post is None or (post.is_deleted and action != "read"):
        raise Http404
    return post, _authorise(user, post.topic, action, post)


def author_label(post_or_topic, names=None) -> str:
    """The name a reader sees for the author: never the person behind an anonymous post.
    `names` (from `accounts.models.display_names`) saves loading the author."""
    if post_or_topic.is_anonymous:
        return str(ANONYMOUS_LABEL)
    if names is not None:
        name = names.get(post_or_topic.author_id)
    else:
        author = post_or_topic.author
        name = author.display_name if author else None
    return name or str(_("Former member"))


def named_authors(items) -> dict[int, str]:
    """{author id: name} of the items whose author shows (anonymous ones are left out):
    no query for items read `with_author_names`."""
    shown = [i for i in items if shows_author(i)]
    if all(hasattr(i, "author_email") for i in shown):
        return names_of_authors(shown)
    return display_names(i.author_id for i in shown)


def shows_author(post_or_topic) -> bool:
    return not post_or_topic.is_anonymous and post_or_topic.author_id is not None
