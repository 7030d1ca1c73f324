"""API: a topic's poll under /api/v1/topics/{id}/poll — read, create, vote, withdraw, close."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, Input
from koinon.discussions import policy as discussions
from koinon.polls import actions, policy
from koinon.polls.models import MAX_OPTIONS, QUESTION_MAX_LENGTH, Poll

router = Router(tags=["polls"])


class VoterOut(Schema):
    id: int
    display_name: str


class OptionOut(Schema):
    id: int
    text: str
    votes: int
    percent: int
    mine: bool
    voters: list[VoterOut] | None = Field(None, description="Only in polls with public voters.")


class PollOut(Schema):
    id: int
    topic_id: int
    question: str
    multiple: bool
    public_voters: bool
    closes_at: datetime | None
    closed: bool
    voters: int
    can_vote: bool
    options: list[OptionOut]


class PollIn(Input):
    question: str = Field(..., max_length=QUESTION_MAX_LENGTH)
    options: list[str] = Field(..., max_length=MAX_OPTIONS + 5)
    multiple: bool = False
    public_voters: bool = False
    closes_at: datetime | None = None


class VoteIn(Input):
    options: list[int] = Field(..., description="Option ids: exactly one in a single-choice poll.")


def _topic(request, topic_id):
    topic, access = discussions.get_topic_by_id_for(request.user, topic_id)
    return topic, access


def _poll(request, topic_id):
    topic, access = _topic(request, topic_id)
    poll = Poll.objects.filter(topic=topic).first()
    if poll is None:
        raise Http404
    poll.topic = topic
    return poll, access


def _out(poll, access, user) -> dict:
    results = actions.results(poll, user)
    voters = actions.voters_of(poll)
    options = []
    for row in results["options"]:
        people = None
        if poll.public_voters:
            people = [
                {"id": u.pk, "display_name": u.display_name} for u in voters.get(row["id"], [])
            ]
        options.append({**row, "voters": people})
    return {
        "id": poll.pk,
        "topic_id": poll.topic_id,
        "question": poll.question,
        "multiple": poll.multiple,
        "public_voters": poll.public_voters,
        "closes_at": poll.closes_at,
        "closed": poll.is_closed(),
        "voters": results["voters"],
        "can_vote": policy.can_vote(access, poll),
        "options": options,
    }


@router.get(
    "/topics/{int:topic_id}/poll",
    response={200: PollOut, **ERRORS},
    auth=optional_auth,
    summary="A topic's poll with its results",
)
def get_poll(request, topic_id: int):
    poll, access = _poll(request, topic_id)
    return _out(poll, access, request.user)


@router.post(
    "/topics/{int:topic_id}/poll",
    response={201: PollOut, **ERRORS},
    summary="Add a poll to a topic (its author or a moderator)",
)
def create_poll(request, topic_id: int, payload: PollIn):
    topic, access = _topic(request, topic_id)
    poll = actions.do_create_poll(request.user, topic, **payload.model_dump())
    poll.topic = topic
    return Status(201, _out(poll, access, request.user))


@router.post(
    "/topics/{int:topic_id}/poll/vote",
    response={200: PollOut, **ERRORS},
    summary="Vote, or change my vote, until the poll closes",
)
def vote(request, topic_id: int, payload: VoteIn):
    poll, access = _poll(request, topic_id)
    actions.do_vote(request.user, poll, payload.options)
    return _out(poll, access, request.user)


@router.delete(
    "/topics/{int:topic_id}/poll/vote",
    response={200: PollOut, **ERRORS},
    summary="Withdraw my vote",
)
def withdraw(request, topic_id: int):
    poll, access = _poll(request, topic_id)
    actions.do_withdraw_vote(request.user, poll)
    return _out(poll, access, request.user)


@router.post(
    "/topics/{int:topic_id}/poll/close",
    response={200: PollOut, **ERRORS},
    summary="Close the poll now (the topic's author or a moderator)",
)
def close(request, topic_id: int):
    poll, access = _poll(request, topic_id)
    actions.do_close_poll(request.user, poll)
    return _out(poll, access, request.user)
