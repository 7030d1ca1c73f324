"""Polls: created with a topic or later, votes changed until closing, the database
refuses double votes, secret voters stay secret, closing by hand and by time."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from koinon.communities.models import Visibility
from koinon.core.models import ActivityEntry
from koinon.discussions.tests.factories import make_topic
from koinon.lib.errors import ActionError
from koinon.notifications.models import Notification
from koinon.polls import actions
from koinon.polls.models import Poll, Vote

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def topic(community, member):
    return make_topic(member, community, title="Next meetup")


def make_poll(author, topic, **kwargs):
    kwargs.setdefault("question", "Which day?")
    kwargs.setdefault("options", ["Monday", "Tuesday", "Friday"])
    return actions.do_create_poll(author, topic, **kwargs)


def option(poll, text):
    return poll.options.get(text=text).pk


def test_author_creates_a_poll_and_it_is_logged(topic, member):
    poll = make_poll(member, topic)
    assert [o.text for o in poll.options.all()] == ["Monday", "Tuesday", "Friday"]
    assert ActivityEntry.objects.filter(verb="poll.opened", actor=member).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"question": " "}, "write the poll's question"),
        ({"options": ["Only one"]}, "from 2 to 10 options"),
        ({"options": [str(n) for n in range(11)]}, "from 2 to 10 options"),
        ({"options": ["Same", "same"]}, "must be different"),
        ({"options": ["a", "b" * 121]}, "at most 120"),
        ({"closes_at": timezone.now() - timedelta(hours=1)}, "in the future"),
    ],
)
def test_bad_polls_get_clear_errors(topic, member, kwargs, message):
    with pytest.raises(ActionError) as caught:
        make_poll(member, topic, **kwargs)
    assert message in str(caught.value.message)
    assert not Poll.objects.exists()


def test_only_author_or_moderator_adds_and_only_once(topic, mentor, moderator):
    with pytest.raises(ActionError) as caught:
        make_poll(mentor, topic)
    assert caught.value.status == 403
    make_poll(moderator, topic)
    with pytest.raises(ActionError) as caught:
        make_poll(moderator, topic)
    assert caught.value.status == 409


def test_single_choice_vote_and_change(topic, member, mentor):
    poll = make_poll(member, topic)
    actions.do_vote(mentor, poll, [option(poll, "Monday")])
    actions.do_vote(mentor, poll, [option(poll, "Friday")])
    assert list(Vote.objects.values_list("option__text", flat=True)) == ["Friday"]
    with pytest.raises(ActionError, match="one answer only"):
        actions.do_vote(mentor, poll, [option(poll, "Monday"), option(poll, "Tuesday")])
    with pytest.raises(ActionError, match="valid option"):
        actions.do_vote(mentor, poll, [999999])
    with pytest.raises(ActionError, match="choose an option"):
        actions.do_vote(mentor, poll, [])


def test_the_database_refuses_double_votes(topic, member, mentor):
    poll = make_poll(member, topic)
    Vote.objects.create(poll=poll, option_id=option(poll, "Monday"), user=mentor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(poll=poll, option_id=option(poll, "Tuesday"), user=mentor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            poll=poll, option_id=option(poll, "Monday"), user=mentor, single_choice=False
        )


def test_multiple_choice_counts_and_percentages(topic, member, mentor, owner):
    poll = make_poll(member, topic, multiple=True)
    actions.do_vote(mentor, poll, [option(poll, "Monday"), option(poll, "Friday")])
    actions.do_vote(owner, poll, [option(poll, "Friday")])
    result = actions.results(poll, owner)
    assert result["voters"] == 2
    counts = {row["text"]: (row["votes"], row["percent"]) for row in result["options"]}
    assert counts == {"Monday": (1, 50), "Tuesday": (0, 0), "Friday": (2, 100)}
    assert result["mine"] == {option(poll, "Friday")}


def test_closed_polls_refuse_votes_and_closing_by_time_is_logged(topic, member, mentor):
    poll = make_poll(member, topic, closes_at=timezone.now() + timedelta(hours=1))
    actions.do_vote(mentor, poll, [option(poll, "Monday")])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    with pytest.raises(ActionError, match="closed"):
        actions.do_vote(mentor, poll, [option(poll, "Tuesday")])
    with pytest.raises(ActionError, match="closed"):
        actions.do_withdraw_vote(mentor, poll)
    assert actions.close_due_polls() == 1
    assert actions.close_due_polls() == 0
    assert ActivityEntry.objects.filter(verb="poll.closed").count() == 1


def test_closing_by_hand(topic, member, mentor, moderator):
    poll = make_poll(member, topic)
    with pytest.raises(ActionError):
        actions.do_close_poll(mentor, poll)
    actions.do_close_poll(moderator, poll)
    with pytest.raises(ActionError, match="already closed"):
        actions.do_close_poll(member, poll)


def test_outsiders_cannot_vote(community, topic, member, outsider):
    poll = make_poll(member, topic)
    with pytest.raises(ActionError):
        actions.do_vote(outsider, poll, [option(poll, "Monday")])


def test_htmx_vote_shows_results_with_bars(client, topic, member, mentor):
    poll = make_poll(member, topic)
    client.force_login(mentor)
    url = reverse("poll-vote", args=[poll.pk])
    response = client.post(url, {"option": option(poll, "Tuesday")}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="poll"' in html and "<progress" in html
    assert "1 vote (100%)" in html
    assert "your choice" in html
    assert "Change my vote" in html
    response = client.post(url, {"option": "nonsense"}, **HTMX)
    assert response.status_code == 400
    assert "valid option" in response.content.decode()
    response = client.post(url, {"undo": "1"}, **HTMX)
    assert response.status_code == 200
    assert not Vote.objects.exists()


def test_secret_voters_stay_secret_public_ones_are_listed(client, topic, member, mentor):
    poll = make_poll(member, topic)
    actions.do_vote(mentor, poll, [option(poll, "Monday")])
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Which day?" in page and "Martina" not in page
    entry = ActivityEntry.objects.get(verb="poll.voted")
    assert entry.actor_id is None and entry.is_private
    api = client.get(f"/api/v1/topics/{topic.pk}/poll").json()
    assert all(o["voters"] is None for o in api["options"])

    Poll.objects.filter(pk=poll.pk).update(public_voters=True)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Voted by" in page and "Martina" in page
    api = client.get(f"/api/v1/topics/{topic.pk}/poll").json()
    assert api["options"][0]["voters"] == [{"id": mentor.pk, "display_name": "Martina"}]


def test_poll_created_with_the_topic(client, community, member):
    member.date_joined -= timedelta(days=3)  # past the new-member limits
    member.save()
    client.force_login(member)
    data = {
        "title": "Where do we meet?",
        "kind": "discussion",
        "body": "Let us choose.",
        "poll_question": "Which city?",
        "poll_options": "Rome\nMilan\n\nNaples",
        "poll_multiple": "on",
    }
    response = client.post(reverse("topic-create", args=["pm"]), data)
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert poll.multiple and [o.text for o in poll.options.all()] == ["Rome", "Milan", "Naples"]
    # A bad poll keeps the topic from being created, with the error next to the field.
    data.update(title="Another", poll_options="Only one")
    response = client.post(reverse("topic-create", args=["pm"]), data)
    assert response.status_code == 400
    assert "from 2 to 10 options" in response.content.decode()
    assert Poll.objects.count() == 1
    assert not community.topics.filter(title="Another").exists()


def test_add_a_poll_page(client, topic, member, mentor):
    client.force_login(mentor)
    assert client.get(reverse("poll-create", args=["pm", topic.pk])).status_code == 403
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert reverse("poll-create", args=["pm", topic.pk]) in page
    data = {"poll_question": "Ok?", "poll_options": "Yes\nNo"}
    response = client.post(reverse("poll-create", args=["pm", topic.pk]), data)
    assert response.status_code == 302
    assert Poll.objects.get().question == "Ok?"


def test_api(client, topic, member, mentor):
    client.force_login(member)
    url = f"/api/v1/topics/{topic.pk}/poll"
    response = client.post(
        url,
        {"question": "Format?", "options": ["Online", "In person"], "public_voters": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    ids = [o["id"] for o in response.json()["options"]]
    client.force_login(mentor)
    response = client.post(f"{url}/vote", {"options": ids}, content_type="application/json")
    assert response.status_code == 400
    assert "one answer only" in response.json()["detail"]
    response = client.post(f"{url}/vote", {"options": ids[:1]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["options"][0]["votes"] == 1
    assert client.post(f"{url}/close").status_code == 403
    client.force_login(member)
    assert client.post(f"{url}/close").json()["closed"] is True
    client.force_login(mentor)
    response = client.delete(f"{url}/vote")
    assert response.status_code == 403


def test_private_poll_hidden_from_outsiders(client, community, topic, member, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    poll = make_poll(member, topic)
    client.force_login(outsider)
    assert client.get(f"/api/v1/topics/{topic.pk}/poll").status_code == 404
    response = client.post(reverse("poll-vote", args=[poll.pk]), {"option": 1})
    assert response.status_code == 404


def test_watchers_hear_when_a_poll_opens_and_voters_when_it_closes(
    django_capture_on_commit_callbacks, community, topic, member, mentor, owner
):
    from koinon.discussions.actions import do_set_subscription

    do_set_subscription(owner, topic, "watch")
    with django_capture_on_commit_callbacks(execute=True):
        poll = make_poll(member, topic)
    assert Notification.objects.filter(recipient=owner, kind="poll").count() == 1
    actions.do_vote(mentor, poll, [option(poll, "Monday")])
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_close_poll(member, poll)
    assert Notification.objects.filter(recipient=mentor, kind="poll", verb="poll.closed").exists()
    assert not Notification.objects.filter(recipient=member, kind="poll").exists()
