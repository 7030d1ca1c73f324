"""Which activity verbs notify whom: the one registry of notification kinds.

Each kind names the verbs it listens to, a default channel, and a function that
returns the candidate recipients of an entry (user ids). `fanout` then drops the
actor, people who switched the kind off or muted the community, and anybody who
may not see the content at send time. Private entries (`is_private=True`) go only
to kinds marked `explicit`, whose recipients are named by the entry itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from koinon.notifications.models import Channel, Notification
from koinon.opportunities.notify import opportunity_kinds
from koinon.polls.notify import poll_kinds
from koinon.projects.notify import project_kinds
from koinon.standards.notify import standard_kinds


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    sentence: str  # %(actor)s and %(subject)s; the actor may be "someone"
    verbs: tuple
    recipients: Callable
    default: str = Channel.IN_APP
    # The recipient must be able to read the community's content at send time.
    needs_content_access: bool = True
    # Recipients are named by the entry itself: the kind may fan out a private entry.
    explicit: bool = False
    # The feature already mails this itself: no second immediate e-mail from us.
    source_mails: bool = False
    # A muted community silences this kind.
    mutable: bool = True
    # A more precise sentence for some verbs.
    sentences: dict = field(default_factory=dict)


# --- Recipients ------------------------------------------------------------------


def _post_parts(target):
    """(post, topic) for a live post, else (None, None)."""
    if target is None or getattr(target, "deleted_at", None) is not None:
        return None, None
    return target, target.topic


def _topic_watchers(topic):
    from koinon.discussions.models import Level, TopicState

    return TopicState.objects.filter(topic=topic, level=Level.WATCH).values_list(
        "user_id", flat=True
    )


def _topic_muters(topic):
    from koinon.discussions.models import Level, TopicState

    return set(
        TopicState.objects.filter(topic=topic, level=Level.MUTE).values_list("user_id", flat=True)
    )


def _who_sees(post, topic, people) -> set:
    """A post or topic hidden pending review (koinon.moderation) is news for its author
    and the community's moderators only."""
    people = set(people)
    hidden = [item for item in (topic, post) if item.hidden_at is not None]
    if not hidden or not people:
        return people
    from koinon.communities.models import Membership, Role

    moderators = set(
        Membership.objects.filter(
            community_id=topic.community_id,
            user_id__in=people,
            role__in=[Role.OWNER, Role.MODERATOR],
        ).values_list("user_id", flat=True)
    )
    for item in hidden:
        people &= {item.author_id} | moderators
    return people


def reply_recipients(entry, target):
    from koinon.discussions.models import TopicKind

    post, topic = _post_parts(target)
    if post is None or post.is_opening:
        return []
    people = set(_topic_watchers(topic))
    if topic.kind != TopicKind.QUESTION and topic.author_id:
        people.add(topic.author_id)
    elif topic.kind == TopicKind.QUESTION:
        people.discard(topic.author_id)  # they hear about it as an answer
    people.discard(post.author_id)
    return _who_sees(post, topic, people - _topic_muters(topic))


def answer_recipients(entry, target):
    from koinon.discussions.models import TopicKind

    post, topic = _post_parts(target)
    if post is None or post.is_opening or topic.kind != TopicKind.QUESTION:
        return []
    if not topic.author_id or topic.author_id == post.author_id:
        return []
    return {topic.author_id} - _topic_muters(topic)


def mention_recipients(entry, target):
    post, topic = _post_parts(target)
    if post is None:
        return []
    ids = {int(i) for i in entry.data.get("mentioned", []) if str(i).isdigit()}
    ids.discard(post.author_id)
    return _who_sees(post, topic, ids)


def accepted_recipients(entry, target):
    post, _topic = _post_parts(target)
    return [post.author_id] if post is not None and post.author_id else []


def invitation_recipients(entry, target):
    from koinon.accounts.models import User

    if target is None:
        return []
    return User.objects.filter(email__iexact=target.email).values_list("pk", flat=True)


def moderator_recipients(entry, target):
    from koinon.communities.models import Membership, Role

    if entry.community_id is None:
        return []
    return Membership.objects.filter(
        community_id=entry.community_id, role__in=[Role.OWNER, Role.MODERATOR]
    ).values_list("user_id", flat=True)


def hidden_by_flags_recipients(entry, target):
    """The community's moderators (not while blocked there), when members' flags hid a post.

    The entry names no flagger (no actor, only how many flags): nothing to leak.
    """
    from koinon.moderation.models import Block

    if not entry.data.get("automatic") or target is None:
        return []
    blocked = Block.objects.active().filter(community_id=entry.community_id)
    return set(moderator_recipients(entry, target)) - set(blocked.values_list("user_id", flat=True))


def named_user_recipient(entry, target):
    user_id = entry.data.get("user_id")
    return [user_id] if isinstance(user_id, int) else []


def event_registrants(entry, target):
    from koinon.events.models import ACTIVE_STATUSES, Registration

    if target is None:
        return []
    events = [target.pk]
    if entry.data.get("scope", "this") != "this" and target.series_id:
        from koinon.events.models import Event

        events = Event.objects.filter(
            series_id=target.series_id, starts_at__gte=target.starts_at
        ).values_list("pk", flat=True)
    return (
        Registration.objects.filter(event_id__in=events, status__in=ACTIVE_STATUSES)
        .values_list("user_id", flat=True)
        .distinct()
    )


def mentorship_parties(entry, target):
    if target is None:
        return []
    return [target.mentor_id, target.mentee_id]


def mentor_of(entry, target):
    return [target.mentor_id] if target is not None else []


def conversation_participants(entry, target):
    from koinon.messaging.models import Participant

    if target is None:
        return []
    return Participant.objects.filter(
        conversation=target, left_at__isnull=True, muted=False
    ).values_list("user_id", flat=True)


def message_recipients(entry, target):
    """The conversation's other participants who still hear it (not left, not muted),
    minus anyone who blocked the sender or whom the sender blocked, and minus those who
    have not yet read the last "new message" notification of this conversation."""
    from django.contrib.contenttypes.models import ContentType

    from koinon.messaging.models import Block

    if target is None or entry.actor_id is None:
        return []
    people = set(conversation_participants(entry, target))
    blocked = Block.objects.filter(
        Q(blocker_id__in=people, blocked_id=entry.actor_id)
        | Q(blocker_id=entry.actor_id, blocked_id__in=people)
    ).values_list("blocker_id", "blocked_id")
    for blocker, blocked_id in blocked:
        people -= {blocker, blocked_id}
    waiting = Notification.objects.filter(
        kind="new_message",
        read_at__isnull=True,
        recipient_id__in=people,
        entry__target_type=ContentType.objects.get_for_model(target),
        entry__target_id=target.pk,
    ).values_list("recipient_id", flat=True)
    return people - set(waiting)


def practice_adopters(entry, target):
    from koinon.library.models import Adoption

    if target is None:
        return []
    return Adoption.objects.filter(practice=target).values_list("user_id", flat=True)


# --- The registry ------------------------------------------------------------------

KINDS = [
    Kind(
        "mention",
        _("Mentions of me"),
        _("%(actor)s mentioned you in “%(subject)s”"),
        ("post.mentioned",),
        mention_recipients,
    ),
    Kind(
        "reply",
        _("Replies in topics I started or watch"),
        _("%(actor)s replied in “%(subject)s”"),
        ("post.created",),
        reply_recipients,
    ),
    Kind(
        "answer",
        _("Answers to my questions"),
        _("%(actor)s answered your question “%(subject)s”"),
        ("post.created",),
        answer_recipients,
    ),
    Kind(
        "answer_accepted",
        _("My answer accepted"),
        _("Your answer in “%(subject)s” was accepted"),
        ("answer.accepted",),
        accepted_recipients,
    ),
    Kind(
        "invitation",
        _("Invitations to a community"),
        _("%(actor)s invited you to join %(subject)s"),
        ("community.invited",),
        invitation_recipients,
        default=Channel.EMAIL,
        needs_content_access=False,
        source_mails=True,
        mutable=False,
    ),
    Kind(
        "join_request",
        _("Requests to join a community I moderate"),
        _("%(actor)s asked to join %(subject)s"),
        ("community.join_requested",),
        moderator_recipients,
    ),
    Kind(
        "post_hidden_by_flags",
        _("Posts hidden by flags in communities I moderate"),
        _("Members' flags hid a post in “%(subject)s”: please review it"),
        ("moderation.post_hidden",),
        hidden_by_flags_recipients,
        explicit=True,  # a private audit entry; the recipients are the moderators
    ),
    Kind(
        "join_decision",
        _("Answers to my requests to join"),
        _("Your request to join %(subject)s has been answered"),
        ("community.join_approved", "community.join_declined"),
        named_user_recipient,
        default=Channel.EMAIL,
        needs_content_access=False,
        mutable=False,
        sentences={
            "community.join_approved": _("Your request to join %(subject)s was accepted"),
            "community.join_declined": _("Your request to join %(subject)s was declined"),
        },
    ),
    Kind(
        "event_changed",
        _("Changes to events I registered for"),
        _("An event you registered for changed: %(subject)s"),
        ("event.edited", "event.cancelled"),
        event_registrants,
        sentences={
            "event.cancelled": _("An event you registered for was cancelled: %(subject)s"),
        },
    ),
    Kind(
        "waitlist_promoted",
        _("A place for me from a wait list"),
        _("You have a place at %(subject)s"),
        ("event.waitlist_promoted",),
        named_user_recipient,
        default=Channel.EMAIL,
        explicit=True,
        source_mails=True,
    ),
    Kind(
        "event_reminder",
        _("Reminders of events I registered for"),
        _("Reminder: %(subject)s starts soon"),
        ("event.reminded",),
        named_user_recipient,
        explicit=True,
        source_mails=True,  # the events app e-mails the reminder itself
    ),
    Kind(
        "mentoring_request",
        _("Mentoring requests to me"),
        _("%(actor)s asked you to be their mentor"),
        ("mentoring.asked",),
        mentor_of,
    ),
    Kind(
        "mentoring_reply",
        _("Replies about my mentorships"),
        _("Your mentorship with %(actor)s changed"),
        (
            "mentoring.accepted",
            "mentoring.declined",
            "mentoring.started",
            "mentoring.completed",
            "mentoring.ended",
            "mentoring.paired",
        ),
        mentorship_parties,
        explicit=True,
        sentences={
            "mentoring.accepted": _("%(actor)s agreed to be your mentor"),
            "mentoring.declined": _("%(actor)s cannot be your mentor this time"),
            "mentoring.started": _("Your mentorship with %(actor)s has started"),
            "mentoring.completed": _("Your mentorship with %(actor)s is complete"),
            "mentoring.ended": _("Your mentorship with %(actor)s has ended"),
            "mentoring.paired": _("%(actor)s paired you for mentoring"),
        },
    ),
    Kind(
        "message",
        _("New conversations with me"),
        _("%(actor)s started a conversation with you"),
        ("messaging.conversation_started",),
        conversation_participants,
        needs_content_access=False,
        explicit=True,
        source_mails=True,
        mutable=False,
    ),
    Kind(
        "new_message",
        _("New messages in my conversations"),
        _("%(actor)s sent you a new message"),
        ("messaging.message_sent",),
        message_recipients,
        needs_content_access=False,
        explicit=True,
        mutable=False,
    ),
    Kind(
        "practice_changed",
        _("Changes to practices I use"),
        _("A practice you use changed: %(subject)s"),
        ("practice.revised", "practice.status_changed", "practice.restored"),
        practice_adopters,
    ),
]

# Apps whose kinds live beside their own verbs.
KINDS += project_kinds()
KINDS += poll_kinds()
KINDS += standard_kinds()
KINDS += opportunity_kinds()

KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
KINDS_BY_VERB: dict[str, list[Kind]] = {}
for _kind in KINDS:
    for _verb in _kind.verbs:
        KINDS_BY_VERB.setdefault(_verb, []).append(_kind)


def get_kind(key: str) -> Kind | None:
    return KINDS_BY_KEY.get(key)


# --- What a notification says ------------------------------------------------------


def subject_and_url(entry, target) -> tuple[str, str]:
    """The thing's title and link, fixed at fan-out time."""
    if target is None:
        return (entry.community.name if entry.community else ""), ""
    label = target._meta.label_lower
    if label == "discussions.post":
        if entry.verb.startswith("moderation."):
            return target.topic.title, _moderation_queue_url(target.topic.community)
        return target.topic.title, target.get_absolute_url()
    if label == "communities.invitation":
        return target.community.name, target.get_absolute_url()
    if label == "communities.joinrequest":
        community = target.community
        if entry.verb == "community.join_requested":
            from django.urls import reverse

            try:
                return community.name, reverse("community-requests", args=[community.slug])
            except Exception:  # noqa: BLE001 - a missing page must not stop the fan-out
                return community.name, community.get_absolute_url()
        return community.name, community.get_absolute_url()
    if label == "mentoring.mentorship":
        return "", target.get_absolute_url()  # the sentence says it, in the reader's language
    if label == "messaging.conversation":
        return target.subject, target.get_absolute_url()
    title = getattr(target, "title", None) or getattr(target, "name", None) or ""
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    return str(title), url


def _moderation_queue_url(community) -> str:
    from django.urls import reverse

    return reverse("moderation-queue", args=[community.slug])


def actor_label(notification) -> str:
    return notification.actor_name or str(_("Someone"))


def sentence(notification) -> str:
    kind = get_kind(notification.kind)
    if kind is None:
        return notification.subject
    text = kind.sentences.get(notification.verb, kind.sentence)
    return str(text) % {"actor": actor_label(notification), "subject": notification.subject}
