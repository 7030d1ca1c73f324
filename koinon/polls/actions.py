"""Every write on polls: create, vote (and change the vote), withdraw, close."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.communities.policy import access_for
from koinon.core.activity import log_activity
from koinon.discussions import policy as discussions_policy
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.polls import policy
from koinon.polls.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Poll,
    PollOption,
    Vote,
)


def _actor(actor, topic):
    """Nobody, when the author of an anonymous topic acts on its poll."""
    if topic.is_anonymous and actor.pk == topic.author_id:
        return None
    return actor


def parse_options(raw) -> list[str]:
    """Options from a list or from text with one option per line."""
    items = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def clean_poll(question: str, options, closes_at=None, now=None) -> tuple[str, list[str]]:
    """The question and options, or a clear error about the first thing wrong."""
    question = " ".join((question or "").split())
    if not question:
        raise ActionError(_("Please write the poll's question."), field="poll_question")
    if len(question) > QUESTION_MAX_LENGTH:
        raise ActionError(
            _("A question can be at most %(max)s characters long.") % {"max": QUESTION_MAX_LENGTH},
            field="poll_question",
        )
    options = parse_options(options)
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ActionError(
            _("A poll has from %(min)s to %(max)s options.")
            % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
            field="poll_options",
            code="options_count",
        )
    if any(len(o) > OPTION_MAX_LENGTH for o in options):
        raise ActionError(
            _("An option can be at most %(max)s characters long.") % {"max": OPTION_MAX_LENGTH},
            field="poll_options",
        )
    if len({o.casefold() for o in options}) != len(options):
        raise ActionError(
            _("Each option must be different."), field="poll_options", code="duplicate_option"
        )
    if closes_at is not None and closes_at <= (now or timezone.now()):
        raise ActionError(
            _("The closing time must be in the future."), field="poll_closes_at", code="past"
        )
    return question, options


@transaction.atomic
def do_create_poll(
    actor, topic, *, question, options, multiple=False, public_voters=False, closes_at=None
) -> Poll:
    access = access_for(actor, topic.community)
    if not policy.can_manage(access, topic):
        raise Forbidden(_("Only the topic's author or a moderator can add a poll."))
    question, options = clean_poll(question, options, closes_at)
    if Poll.objects.filter(topic=topic).exists():
        raise Conflict(_("This topic already has a poll."), code="already_has_poll")
    try:
        with transaction.atomic():
            poll = Poll.objects.create(
                topic=topic,
                question=question,
                multiple=bool(multiple),
                public_voters=bool(public_voters),
                closes_at=closes_at,
                created_by=actor,
            )
    except IntegrityError as exc:  # added at the same moment by someone else
        raise Conflict(_("This topic already has a poll."), code="already_has_poll") from exc
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, text=text, position=n) for n, text in enumerate(options)]
    )
    log_activity(
        _actor(actor, topic),
        "poll.opened",
        community=topic.community,
        target=poll,
        topic=topic.pk,
        anonymous=topic.is_anonymous and actor.pk == topic.author_id,
    )
    return poll


@transaction.atomic
def do_vote(actor, poll: Poll, option_ids) -> list[Vote]:
    """Vote, or change one's vote, until the poll closes."""
    access = access_for(actor, poll.topic.community)
    if poll.is_closed():
        raise Forbidden(_("This poll is closed."), code="closed")
    hidden = discussions_policy.refused_as_hidden(access, topic=poll.topic)
    if hidden:
        raise Forbidden(hidden, code="hidden")
    if not policy.can_vote(access, poll):
        raise Forbidden(_("Only members can vote here."))
    try:
        wanted = sorted({int(i) for i in option_ids or []})
    except (TypeError, ValueError) as exc:
        raise ActionError(_("Please choose a valid option."), field="options") from exc
    valid = set(poll.options.filter(pk__in=wanted).values_list("pk", flat=True))
    if not wanted:
        raise ActionError(_("Please choose an option."), field="options", code="empty")
    if set(wanted) != valid:
        raise ActionError(_("Please choose a valid option."), field="options")
    if not poll.multiple and len(wanted) > 1:
        raise ActionError(
            _("This poll allows one answer only."), field="options", code="single_choice"
        )
    Vote.objects.filter(poll=poll, user=actor).delete()
    try:
        with transaction.atomic():
            votes = Vote.objects.bulk_create(
                [
                    Vote(poll=poll, option_id=i, user=actor, single_choice=not poll.multiple)
                    for i in wanted
                ]
            )
    except IntegrityError as exc:  # the same person voting twice at the same moment
        raise Conflict(_("Your vote was already counted."), code="already_voted") from exc
    log_activity(
        actor if poll.public_voters else None,
        "poll.voted",
        community=poll.topic.community,
        target=poll,
        is_private=True,
    )
    return votes


@transaction.atomic
def do_withdraw_vote(actor, poll: Poll) -> None:
    if poll.is_closed():
        raise Forbidden(_("This poll is closed."), code="closed")
    deleted, _rows = Vote.objects.filter(poll=poll, user=actor).delete()
    if not deleted:
        raise Conflict(_("You have not voted in this poll."), code="not_voted")
    log_activity(
        actor if poll.public_voters else None,
        "poll.vote_withdrawn",
        community=poll.topic.community,
        target=poll,
        is_private=True,
    )


@transaction.atomic
def do_close_poll(actor, poll: Poll) -> Poll:
    """Close now: the topic's author or a moderator."""
    access = access_for(actor, poll.topic.community)
    if not policy.can_manage(access, poll.topic):
        raise Forbidden(_("Only the topic's author or a moderator can close the poll."))
    if not Poll.objects.filter(pk=poll.pk, closed_at__isnull=True).update(closed_at=timezone.now()):
        raise Conflict(_("This poll is already closed."), code="already_closed")
    poll.refresh_from_db(fields=["closed_at"])
    log_activity(
        _actor(actor, poll.topic), "poll.closed", community=poll.topic.community, target=poll
    )
    return poll


def close_due_polls(now=None) -> int:
    """Record the closing of polls whose closing time has passed (a scheduled command)."""
    now = now or timezone.now()
    closed = 0
    due = Poll.objects.filter(closed_at__isnull=True, closes_at__lte=now).select_related(
        "topic__community"
    )
    for poll in due:
        with transaction.atomic():
            if Poll.objects.filter(pk=poll.pk, closed_at__isnull=True).update(
                closed_at=poll.closes_at
            ):
                log_activity(None, "poll.closed", community=poll.topic.community, target=poll)
                closed += 1
    return closed


def results(poll: Poll, user=None) -> dict:
    """Counts per option (one query), the share of voters, and the reader's own choices."""
    from django.db.models import Count

    options = list(poll.options.annotate(n=Count("votes")).order_by("position", "id"))
    voters = Vote.objects.filter(poll=poll).values("user_id").distinct().count()
    mine = set()
    if user is not None and user.is_authenticated:
        mine = set(Vote.objects.filter(poll=poll, user=user).values_list("option_id", flat=True))
    rows = [
        {
            "id": o.pk,
            "text": o.text,
            "votes": o.n,
            "percent": round(100 * o.n / voters) if voters else 0,
            "mine": o.pk in mine,
        }
        for o in options
    ]
    return {"options": rows, "voters": voters, "mine": mine}


def voters_of(poll: Poll) -> dict[int, list]:
    """{option id: [users]} for a poll whose voters are public; else nothing."""
    if not poll.public_voters:
        return {}
    found: dict[int, list] = {}
    for vote in Vote.objects.filter(poll=poll).select_related("user__profile").order_by("id"):
        found.setdefault(vote.option_id, []).append(vote.user)
    return found
