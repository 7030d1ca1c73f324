"""Who may flag, review and block, on top of the communities and discussions policies.

Reading follows the discussions policy (a post one cannot read answers 404). A hidden
post's text is for its author and the community's moderators only; everybody else
sees that it is hidden pending review.
"""

from django.core.exceptions import PermissionDenied

from koinon.communities.policy import Access, get_community_for
from koinon.discussions import policy as discussions_policy


def can_moderate(access: Access, obj=None) -> bool:
    return access.is_moderator


def can_flag(access: Access, post) -> bool:
    """Members (not blocked) may flag a live post of someone else."""
    if not access.is_member or post.is_deleted:
        return False
    return not discussions_policy.is_self(access, post.author_id)


def sees_hidden(access: Access, post) -> bool:
    """The author and the moderators still read a hidden post (marked as hidden)."""
    return discussions_policy.sees_hidden(access, post)


def can_block(access: Access, target_membership) -> bool:
    """Moderators block people below their own role (nobody blocks the owner)."""
    if not access.is_moderator:
        return False
    if target_membership is None:
        return True
    if target_membership.user_id == access.user.pk:
        return False
    return target_membership.rank < access.rank


def get_moderated_community(user, slug: str):
    """The community and the moderator's access: 404 if unseen, 403 for non-moderators."""
    community, access = get_community_for(user, slug)
    if not can_moderate(access):
        raise PermissionDenied
    return community, access


def open_flags_of(access, post_ids) -> set[int]:
    """The posts among `post_ids` the reader has flagged and nobody has reviewed yet."""
    from koinon.moderation.models import Flag

    if not access.is_member or not post_ids:
        return set()
    mine = Flag.objects.filter(post_id__in=post_ids, user=access.user, resolved_at__isnull=True)
    return set(mine.values_list("post_id", flat=True))


def decorate_posts(posts, access, flagged: set[int] | None = None) -> None:
    """What the topic page and the API show of each post, moderation-wise.

    Masks the text of hidden posts for readers who may not see it (in place, on the
    objects about to be rendered; never saved), and says which buttons to offer.
    `flagged`: the reader's open flags (`open_flags_of`), read here when not given.
    """
    if flagged is None:
        flagged = open_flags_of(access, [p.pk for p in posts])
    moderator = access.is_moderator
    for post in posts:
        post.sees_hidden = sees_hidden(access, post)
        post.text_hidden = post.is_hidden and not post.sees_hidden
        if post.text_hidden:
            post.body, post.body_html = "", ""
            post.can_react = post.can_accept = False
        post.flagged_by_me = post.pk in flagged
        post.can_flag = can_flag(access, post) and not post.is_hidden
        post.can_hide = moderator and not post.is_deleted and not post.is_hidden
        post.can_restore = moderator and not post.is_deleted and post.is_hidden
