"""How long the insights of a big community take: page, API and each figure.

Run by hand: `python bench/bench_insights.py [--members N] [--actions M]`. It builds a
temporary SQLite database (migrated from scratch) with one community of N members
(default 10,000) who joined over two years, M activity entries (default 1,000,000)
spread over the last year with a few very active people and a long tail, 2,000
questions with answers, 150 events with registrations and attendance, mentorships,
practices, adoptions and lessons. Then it renders the insights page and the API
answer as a moderator, prints the wall-clock and CPU time and the number of queries,
and the time of each figure. The same page for a community a hundred times smaller
is timed first, to show that the number of queries does not grow.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

UNUSABLE = "!"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koinon.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    connections["default"].settings_dict["OPTIONS"].update(
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def _users(n, prefix):
    from koinon.accounts.models import Profile, User

    users = []
    for offset in range(0, n, 5000):
        chunk = User.objects.bulk_create(
            User(email=f"{prefix}{i}@example.org", password=UNUSABLE)
            for i in range(offset, min(offset + 5000, n))
        )
        Profile.objects.bulk_create(Profile(user=u, display_name=f"M{u.pk}") for u in chunk)
        users.extend(chunk)
    return users


def _activity(community, users, n_actions, rng, now):
    """`n_actions` rows in one executemany per 50,000 (bulk_create would stamp them now)."""
    from django.db import connection

    from koinon.core.models import ActivityEntry

    table = connection.ops.quote_name(ActivityEntry._meta.db_table)
    weights = [1 / (i + 1) for i in range(len(users))]  # a few very active, a long tail
    verbs = ["post.created", "topic.created", "event.registered", "practice.adopted"]
    sql = (
        f"INSERT INTO {table} (actor_id, verb, community_id, data, is_private, created_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    done = 0
    while done < n_actions:
        size = min(50_000, n_actions - done)
        actors = rng.choices(users, weights=weights, k=size)
        rows = [
            (
                actor.pk,
                verbs[i % 4],
                community.pk,
                "{}",
                False,
                connection.ops.adapt_datetimefield_value(
                    now - timedelta(seconds=rng.randrange(365 * 86400))
                ),
            )
            for i, actor in enumerate(actors)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += size


def fill(slug, n_members, n_actions, seed=7):
    """One community with its members and history; returns (community, moderator)."""
    from django.utils import timezone

    from koinon.communities.models import Community, Membership
    from koinon.discussions.models import Post, Topic
    from koinon.events.models import Event, Registration
    from koinon.library.models import Adoption, Lesson, Practice
    from koinon.mentoring.models import MentoringOffer, Mentorship

    rng = random.Random(seed)
    now = timezone.now()
    community = Community.objects.create(
        name=slug, slug=slug, kind="practice", domain="d", purpose="p", cadence="weekly"
    )
    Community.objects.filter(pk=community.pk).update(created_at=now - timedelta(days=800))
    users = _users(n_members, slug)
    Membership.objects.bulk_create(
        Membership(
            community=community,
            user=u,
            role="moderator" if i == 0 else "member",
            joined_at=now - timedelta(days=rng.randrange(730)),
        )
        for i, u in enumerate(users)
    )
    _activity(community, users, n_actions, rng, now)
    n_questions = max(n_members // 5, 2)
    topics = Topic.objects.bulk_create(
        Topic(
            community=community,
            kind="question",
            title=f"Q{i}",
            author=rng.choice(users),
            created_at=now - timedelta(days=rng.randrange(180)),
        )
        for i in range(n_questions)
    )
    Post.objects.bulk_create(
        Post(
            topic=t,
            author=rng.choice(users),
            body="a",
            body_html="a",
            created_at=t.created_at + timedelta(hours=rng.randrange(1, 72)),
        )
        for t in topics
        if rng.random() < 0.7
    )
    events = Event.objects.bulk_create(
        Event(
            community=community,
            kind="meetup",
            title=f"E{i}",
            starts_at=now - timedelta(days=i * 2 + 1),
            ends_at=now - timedelta(days=i * 2 + 1) + timedelta(hours=2),
        )
        for i in range(max(n_members // 70, 2))
    )
    Registration.objects.bulk_create(
        Registration(
            event=e,
            user=u,
            status="confirmed",
            position=p,
            attended_at=e.starts_at if rng.random() < 0.6 else None,
        )
        for e in events
        for p, u in enumerate(rng.sample(users, min(30, len(users))), start=1)
    )
    offer = MentoringOffer.objects.create(
        mentor=users[0], community=community, topics="t", format="online"
    )
    Mentorship.objects.bulk_create(
        Mentorship(offer=offer, mentor=users[0], mentee=u, status="active")
        for u in rng.sample(users[1:], min(n_members // 20, len(users) - 1))
    )
    practices = Practice.objects.bulk_create(
        Practice(community=community, title=f"P{i}", slug=f"p{i}", summary="s", body="b")
        for i in range(50)
    )
    Adoption.objects.bulk_create(
        Adoption(practice=p, user=u, created_at=now - timedelta(days=rng.randrange(365)))
        for p in practices
        for u in rng.sample(users, min(20, len(users)))
    )
    Lesson.objects.bulk_create(
        Lesson(
            community=community,
            title=f"L{i}",
            context="c",
            tried="t",
            outcome="worked",
            learned="l",
            created_at=now - timedelta(days=rng.randrange(365)),
        )
        for i in range(100)
    )
    return community, users[0]


def timed(label, fn):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  {label:<34} {elapsed * 1000:9.0f} ms wall {cpu * 1000:9.0f} ms CPU "
        f"{len(queries):4} queries"
    )
    return result


def measure(community, moderator):
    from django.test import Client
    from django.utils import timezone

    from koinon.insights import figures

    client = Client()
    client.force_login(moderator)
    url = f"/c/{community.slug}/insights/"
    client.get(url)  # warm up: URL resolver, templates
    page = timed("insights page (HTML)", lambda: client.get(url))
    assert page.status_code == 200, page.status_code
    api = timed(
        "API answer (JSON)", lambda: client.get(f"/api/v1/communities/{community.slug}/insights")
    )
    assert api.status_code == 200, api.status_code
    now, today = timezone.now(), timezone.localdate()
    members = figures.Membership.objects.filter(community=community).count()
    for label, fn in (
        ("members over time", lambda: figures.members_over_time(community, today)),
        ("weekly active members", lambda: figures.weekly_active(community, today)),
        ("participation levels", lambda: figures.participation(community, now, members)),
        ("newcomers: retention, mentors", lambda: figures.newcomers(community, now)),
        ("questions", lambda: figures.questions(community, now)),
        ("meetings", lambda: figures.meetings(community, now, today)),
        ("knowledge", lambda: figures.knowledge(community, now)),
        ("activity trend", lambda: figures.activity_trend(community, now)),
    ):
        timed(label, fn)
    return page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        small = fill("small", max(args.members // 100, 10), max(args.actions // 100, 100))
        big = fill("big", args.members, args.actions)
        print(
            f"filled {args.members:,} members and {args.actions:,} activity rows "
            f"in {time.perf_counter() - started:.0f} s"
        )
        print(f"community of {max(args.members // 100, 10):,} members:")
        measure(*small)
        print(f"community of {args.members:,} members, {args.actions:,} activity rows:")
        measure(*big)


if __name__ == "__main__":
    main()
