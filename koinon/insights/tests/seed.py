"""A small community with a known history, so every figure has an exact expected value.

NOW is fixed (Wednesday 17 June 2026, 12:00 UTC); "days ago" are counted from it.
The expected figures are written out in `test_figures.py` beside each check.
"""

from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import Community, Membership
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.discussions.models import Post, Topic, TopicKind
from koinon.events.models import Registration, RegistrationStatus
from koinon.events.tests.factories import EventFactory
from koinon.library.models import (
    Adoption,
    Lesson,
    Practice,
    ReadingList,
    ReadingListItem,
    Resource,
    ResourceReview,
)
from koinon.mentoring.models import MentoringOffer, Mentorship

NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)


def ago(days=0, hours=0):
    return NOW - timedelta(days=days, hours=hours)


def act(user, community, days, n=1, verb="post.created"):
    """`n` entries by `user`, `days` before NOW (the log stamps its own time: we move it)."""
    entries = ActivityEntry.objects.bulk_create(
        ActivityEntry(actor=user, verb=verb, community=community) for _i in range(n)
    )
    ActivityEntry.objects.filter(pk__in=[e.pk for e in entries]).update(created_at=ago(days))


def join(community, name, days, role="member"):
    user = UserFactory(email=f"{name}@example.org", display_name=name.title())
    MembershipFactory(community=community, user=user, role=role, joined_at=ago(days))
    return user


class World:
    """The people of the seeded community, by name."""


def seed(community) -> World:
    w = World()
    Community.objects.filter(pk=community.pk).update(created_at=ago(400), cadence="monthly")
    community.refresh_from_db()
    w.owner = join(community, "olivia", 400, "owner")
    w.moderator = join(community, "marco", 400, "moderator")
    w.mia = join(community, "mia", 100)
    w.n1 = join(community, "nina", 40)
    w.n2 = join(community, "nadia", 40)
    w.n3 = join(community, "noah", 10)
    w.n4 = join(community, "nico", 120)
    w.n5 = join(community, "nora", 200)
    w.outsider = UserFactory(email="otto@example.org", display_name="Otto")
    w.leaver = UserFactory(email="leo@example.org", display_name="Leo")
    _seed_activity(w, community)
    _seed_questions(w, community)
    _seed_events(w, community)
    _seed_mentoring(w, community)
    _seed_library(w, community)
    return w


def _seed_activity(w, c):
    act(w.owner, c, 1, n=25)  # core
    act(w.moderator, c, 8, n=6)  # active
    act(w.mia, c, 5)  # peripheral; kept at 30 and 90 days
    act(w.n1, c, 5)  # peripheral; kept at 30 days
    act(w.n2, c, 38)  # peripheral; gone before day 30
    act(w.n4, c, 20)  # peripheral; kept at 30 and 90 days
    act(w.n5, c, 150)  # inactive now; kept at 30, not at 90 days
    act(w.outsider, c, 2, n=3)  # not a member: in no member figure
    act(w.leaver, c, 60, verb="community.left")
    act(w.owner, c, 50, verb="resource.added")


def _question(c, author, days, title, **fields):
    topic = Topic.objects.create(
        community=c,
        kind=TopicKind.QUESTION,
        title=title,
        author=author,
        created_at=ago(days),
        **fields,
    )
    Post.objects.create(
        topic=topic, is_opening=True, author=author, body="?", body_html="?", created_at=ago(days)
    )
    return topic


def _answer(topic, author, at):
    Post.objects.create(topic=topic, author=author, body="!", body_html="!", created_at=at)


def _seed_questions(w, c):
    q1 = _question(c, w.mia, 30, "Q1 answered in 2 hours")
    _answer(q1, w.owner, q1.created_at + timedelta(hours=2))
    q2 = _question(c, w.n1, 20, "Q2 answered in 10 hours")
    _answer(q2, w.n1, q2.created_at + timedelta(hours=1))  # the asker: not an answer
    _answer(q2, w.moderator, q2.created_at + timedelta(hours=10))
    _question(c, w.n2, 10, "Q3 waiting")
    _question(c, w.n2, 100, "Q4 old and waiting")
    _question(c, w.n2, 50, "Q5 archived", archived=True)
    deleted = _question(c, w.n2, 15, "Q6 only a deleted answer")
    Post.objects.create(
        topic=deleted,
        author=w.owner,
        body="x",
        body_html="x",
        created_at=ago(14),
        deleted_at=ago(13),
    )
    Topic.objects.create(community=c, title="A discussion", author=w.mia, created_at=ago(3))


def _event(c, days, cancelled=False):
    return EventFactory(
        community=c, starts_at=ago(days), cancelled_at=ago(days + 1) if cancelled else None
    )


def _register(event, user, position, attended=False, status=RegistrationStatus.CONFIRMED):
    Registration.objects.create(
        event=event,
        user=user,
        status=status,
        position=position,
        attended_at=event.starts_at if attended else None,
    )


def _seed_events(w, c):
    e1 = _event(c, 45)
    _register(e1, w.mia, 1, attended=True)
    _register(e1, w.n1, 2)
    e2 = _event(c, 15)
    _register(e2, w.mia, 1, attended=True)
    _register(e2, w.n1, 2)
    _register(e2, w.n2, 3, status=RegistrationStatus.CANCELLED)
    e3 = _event(c, 5, cancelled=True)
    _register(e3, w.mia, 1)
    e4 = _event(c, 70)  # nobody checked in: planned, not held
    _register(e4, w.mia, 1)
    e5 = _event(c, 200)
    _register(e5, w.mia, 1, attended=True)
    _event(c, -5)  # next week: not planned "so far"


def _seed_mentoring(w, c):
    offer = MentoringOffer.objects.create(mentor=w.owner, community=c, topics="t", format="online")
    Mentorship.objects.create(offer=offer, mentor=w.owner, mentee=w.n1, status="active")
    Mentorship.objects.create(offer=offer, mentor=w.owner, mentee=w.n2, status="declined")
    elsewhere = MentoringOffer.objects.create(mentor=w.outsider, topics="t", format="online")
    Mentorship.objects.create(offer=elsewhere, mentor=w.outsider, mentee=w.n3, status="active")


def _seed_library(w, c):
    p1 = Practice.objects.create(community=c, title="P1", slug="p1", summary="s", body="b")
    Practice.objects.create(community=c, title="P2", slug="p2", summary="s", body="b")
    Adoption.objects.create(practice=p1, user=w.mia, created_at=ago(10))
    Adoption.objects.create(practice=p1, user=w.n1, created_at=ago(100))
    resource = Resource.objects.create(community=c, kind="link", title="R1", url="https://x.org")
    ResourceReview.objects.create(
        resource=resource, author=w.mia, useful_for="u", created_at=ago(5)
    )
    ResourceReview.objects.create(
        resource=resource, author=w.n1, useful_for="u", created_at=ago(120)
    )
    reading = ReadingList.objects.create(community=c, title="Start here")
    ReadingListItem.objects.create(reading_list=reading, resource=resource, added_at=ago(3))
    for days in (30, 200):
        Lesson.objects.create(
            community=c,
            title=f"L{days}",
            context="c",
            tried="t",
            outcome="worked",
            learned="l",
            created_at=ago(days),
        )


def member_count(community) -> int:
    return Membership.objects.filter(community=community).count()


def content_type(model):
    return ContentType.objects.get_for_model(model)
