"""Every moderation write: flags, hide and restore, reviews, blocks.

Lock, move, delete and reveal reuse the discussions actions and add an audit
entry with the moderator's reason. Every moderator action is an `is_private`
entry of the activity log with a `moderation.*` verb: the audit log reads them.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koinon.communities.models import Membership
from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.discussions import actions as discussions
from koinon.discussions.limits import TooSoon, wait_label
from koinon.discussions.models import Post, Topic
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.moderation import policy
from koinon.moderation.models import (
    FLAG_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Block,
    Flag,
    FlagReason,
    Resolution,
    flags_per_day,
    flags_to_hide,
)

DECISIONS = ("hide", "delete", "restore")


def _require_moderator(actor, community):
    access = access_for(actor, community)
    if not policy.can_moderate(access):
        raise Forbidden(_("Only moderators can do this."))
    return access


def _clean_reason(reason, *, required=False) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ActionError(_("Please give a reason."), field="reason", code="empty")
    if len(reason) > REASON_MAX_LENGTH:
        raise ActionError(
            _("A reason can be at most %(max)s characters long.") % {"max": REASON_MAX_LENGTH},
            field="reason",
            code="too_long",
        )
    return reason


def _audit(actor, verb, community, target, reason="", **data):
    return log_activity(
        actor,
        f"moderation.{verb}",
        community=community,
        target=target,
        is_private=True,
        reason=reason,
        **data,
    )


# --- Search and notifications: a hidden post leaves both ----------------------------


def _unindex(post):
    """A hidden opening post hides its topic: none of the topic's posts is found then."""
    try:
        from koinon.search.models import Document
    except ImportError:  # pragma: no cover - the search app is always installed
        return
    if post.is_opening:
        Document.objects.filter(post__topic_id=post.topic_id).delete()
    else:
        Document.objects.filter(post_id=post.pk).delete()


def _reindex(post):
    try:
        from koinon.search import index
    except ImportError:  # pragma: no cover
        return
    post.refresh_from_db()
    if post.is_opening:
        index.update_topic(post.topic)  # its replies come back with it
    elif post.topic.hidden_at is None:  # a reply stays out while its topic is hidden
        index.update_post(post)


def _drop_notifications(post):
    from koinon.notifications.models import Notification

    targets = [(ContentType.objects.get_for_model(Post), post.pk)]
    if post.is_opening:
        targets.append((ContentType.objects.get_for_model(Topic), post.topic_id))
    for content_type, pk in targets:
        Notification.objects.filter(entry__target_type=content_type, entry__target_id=pk).delete()


def _set_hidden(post, by, now) -> bool:
    hidden = Post.objects.filter(pk=post.pk, hidden_at__isnull=True).update(
        hidden_at=now, hidden_by=by
    )
    if not hidden:
        return False
    post.hidden_at, post.hidden_by = now, by
    if post.is_opening:
        Topic.objects.filter(pk=post.topic_id).update(hidden_at=now)
    _unindex(post)
    _drop_notifications(post)
    return True


def _resolve_flags(post, actor, resolution) -> int:
    return Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
    )


# --- Flags --------------------------------------------------------------------------


def _clean_flag(reason, text) -> tuple[str, str]:
    if reason not in FlagReason.values:
        raise ActionError(_("Please choose a reason."), field="reason", code="invalid_choice")
    text = " ".join((text or "").split())
    if len(text) > FLAG_TEXT_MAX_LENGTH:
        raise ActionError(
            _("Details can be at most %(max)s characters long.") % {"max": FLAG_TEXT_MAX_LENGTH},
            field="text",
            code="too_long",
        )
    if reason == FlagReason.OTHER and not text:
        raise ActionError(_("Please say what is wrong with this post."), field="text", code="empty")
    return reason, text


FLAG_WINDOW = timedelta(days=1)


def check_flag_rate(actor, community, now=None) -> None:
    """At most `flags_per_day()` flags per person per community in 24 hours (a 429).
    A limit of 0 (or less) turns the check off."""
    most = flags_per_day()
    if most <= 0:
        return
    now = now or timezone.now()
    recent = list(
        Flag.objects.filter(user=actor, community=community, created_at__gt=now - FLAG_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:most]
    )
    if len(recent) < most:
        return
    wait = recent[-1] + FLAG_WINDOW - now  # when the oldest of them leaves the window
    raise TooSoon(
        ngettext(
            "You can flag at most %(n)s post a day in this community. "
            "Please try again in %(wait)s.",
            "You can flag at most %(n)s posts a day in this community. "
            "Please try again in %(wait)s.",
            most,
        )
        % {"n": most, "wait": wait_label(wait)},
        wait.total_seconds(),
    )


@transaction.atomic
def do_flag_post(actor, post: Post, *, reason: str, text: str = "") -> Flag:
    """One open flag per person per post; enough flags (or a moderator's) hide the post."""
    community = post.topic.community
    access = access_for(actor, community)
    if post.is_deleted:
        raise Conflict(_("This post was deleted."), code="deleted")
    if policy.discussions_policy.is_self(access, post.author_id):
        raise Forbidden(_("You cannot flag your own post."), code="own_post")
    if not policy.can_flag(access, post):
        raise Forbidden(_("Only members can flag posts here."))
    reason, text = _clean_flag(reason, text)
    if not access.is_moderator:
        check_flag_rate(actor, community)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                post=post, community=community, user=actor, reason=reason, text=text
            )
    except IntegrityError as exc:
        raise Conflict(
            _("You have already flagged this post; the moderators will review it."),
            code="already_flagged",
        ) from exc
    # Private: flaggers stay unknown to the author and the members.
    log_activity(
        actor, "post.flagged", community=community, target=post, is_private=True, reason=reason
    )
    if post.is_hidden:
        return flag
    now = timezone.now()
    if access.is_moderator:
        if _set_hidden(post, actor, now):
            _audit(actor, "post_hidden", community, post, text, flag_reason=reason)
        return flag
    count = (
        Flag.objects.filter(post=post, resolved_at__isnull=True).values("user").distinct().count()
    )
    if count >= flags_to_hide() and _set_hidden(post, None, now):
        # Nobody decided: the community did. The moderators review it in the queue.
        _audit(None, "post_hidden", community, post, "", flags=count, automatic=True)
    return flag


# --- Hide, restore, review ----------------------------------------------------------


@transaction.atomic
def do_hide_post(actor, post: Post, *, reason: str = "") -> Post:
    """Hide a post until a moderator restores it; open flags count as agreed with."""
    community = post.topic.community
    _require_moderator(actor, community)
    reason = _clean_reason(reason)
    if post.is_deleted:
        raise Conflict(_("This post was deleted."), code="deleted")
    was_hidden = post.is_hidden
    if not was_hidden and not _set_hidden(post, actor, timezone.now()):
        was_hidden = True
    resolved = _resolve_flags(post, actor, Resolution.AGREED)
    if was_hidden and not resolved:
        raise Conflict(_("This post is already hidden."), code="already_hidden")
    _audit(actor, "post_hidden", community, post, reason, flags_agreed=resolved)
    return post


@transaction.atomic
def do_restore_post(actor, post: Post, *, reason: str = "") -> Post:
    """Show a hidden post again and clear its open flags (they were disagreed with)."""
    community = post.topic.community
    _require_moderator(actor, community)
    reason = _clean_reason(reason)
    if post.is_deleted:
        raise Conflict(_("This post was deleted."), code="deleted")
    shown = Post.objects.filter(pk=post.pk, hidden_at__isnull=False).update(
        hidden_at=None, hidden_by=None
    )
    resolved = _resolve_flags(post, actor, Resolution.DISAGREED)
    if not shown and not resolved:
        raise Conflict(_("This post is not hidden and has no open flags."), code="not_hidden")
    post.hidden_at = post.hidden_by = None
    if shown:
        if post.is_opening:
            Topic.objects.filter(pk=post.topic_id).update(hidden_at=None)
        _reindex(post)
    _audit(actor, "post_restored", community, post, reason, flags_cleared=resolved)
    return post


@transaction.atomic
def do_delete_post(actor, post: Post, *, reason: str = "") -> Post:
    """A moderator deletes a post (soft delete, through the discussions action)."""
    community = post.topic.community
    _require_moderator(actor, community)
    reason = _clean_reason(reason)
    discussions.do_delete_post(actor, post)
    resolved = _resolve_flags(post, actor, Resolution.AGREED)
    _audit(actor, "post_deleted", community, post, reason, flags_agreed=resolved)
    return post


@transaction.atomic
def do_review(actor, post: Post, *, decision: str, reason: str = "") -> Post:
    """The queue's answer to a flagged post: agree (hide or delete) or disagree (restore)."""
    if decision not in DECISIONS:
        raise ActionError(_("Please choose a valid option."), field="decision", code="invalid")
    if decision == "hide":
        return do_hide_post(actor, post, reason=reason)
    if decision == "delete":
        return do_delete_post(actor, post, reason=reason)
    return do_restore_post(actor, post, reason=reason)


# --- Topics: lock and move (the discussions actions, audited) -----------------------


@transaction.atomic
def do_lock_topic(actor, topic: Topic, *, locked: bool = True, reason: str = "") -> Topic:
    _require_moderator(actor, topic.community)
    reason = _clean_reason(reason)
    if topic.closed == bool(locked):
        message = _("This topic is already closed.") if locked else _("This topic is open.")
        raise Conflict(message, code="unchanged")
    discussions.do_set_topic_state(actor, topic, closed=bool(locked))
    _audit(actor, "topic_locked" if locked else "topic_unlocked", topic.community, topic, reason)
    return topic


@transaction.atomic
def do_move_topic(actor, topic: Topic, group, *, reason: str = "") -> Topic:
    _require_moderator(actor, topic.community)
    reason = _clean_reason(reason)
    old = topic.group
    discussions.do_move_topic(actor, topic, group)
    _audit(
        actor,
        "topic_moved",
        topic.community,
        topic,
        reason,
        from_group=old.name if old else "",
        to_group=group.name if group else "",
    )
    return topic


def do_reveal_author(actor, post: Post):
    """Who wrote an anonymous post: the discussions action writes the private entry."""
    return discussions.do_reveal_author(actor, post)


# --- Blocks -------------------------------------------------------------------------


@transaction.atomic
def do_block(actor, community, user, *, reason: str, ends_at: datetime | None = None) -> Block:
    """`user` may still read `community` but not write in it, until `ends_at` or unblocked."""
    access = _require_moderator(actor, community)
    reason = _clean_reason(reason, required=True)
    if user is None or user.pk == actor.pk:
        raise Forbidden(_("You cannot block yourself."), code="self")
    membership = Membership.objects.filter(community=community, user=user).first()
    if not policy.can_block(access, membership):
        raise Forbidden(_("You can only block people whose role is below yours."), code="rank")
    now = timezone.now()
    if ends_at is not None and ends_at <= now:
        raise ActionError(
            _("The end of the block must be in the future."), field="ends_at", code="past"
        )
    # A block that ran out is lifted by time; close it so a new one can start.
    Block.objects.filter(
        community=community, user=user, lifted_at__isnull=True, ends_at__lte=now
    ).update(lifted_at=now)
    try:
        with transaction.atomic():
            block = Block.objects.create(
                community=community, user=user, reason=reason, ends_at=ends_at, created_by=actor
            )
    except IntegrityError as exc:
        raise Conflict(_("This person is already blocked here."), code="already_blocked") from exc
    _audit(
        actor,
        "person_blocked",
        community,
        block,
        reason,
        user_id=user.pk,
        until=ends_at.isoformat() if ends_at else None,
    )
    return block


@transaction.atomic
def do_unblock(actor, block: Block, *, reason: str = "") -> Block:
    _require_moderator(actor, block.community)
    reason = _clean_reason(reason)
    lifted = Block.objects.filter(pk=block.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=actor
    )
    if not lifted:
        raise Conflict(_("This block was already lifted."), code="already_lifted")
    block.refresh_from_db()
    _audit(actor, "person_unblocked", block.community, block, reason, user_id=block.user_id)
    return block
