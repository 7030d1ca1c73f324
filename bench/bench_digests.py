"""How long building and sending the daily digests takes for N members.

Run by hand: `python bench/bench_digests.py [--members N] [--communities C]`. It builds a
temporary SQLite database (migrated from scratch, then filled with bulk inserts: N
members who all chose the daily digest, each in 3 of C communities, 2 skills each,
20 new topics a day per community, some open questions and events), then times
`send_digests("daily")` with a dummy mail backend (templates are rendered, nothing is
sent), prints the total, the time per member and the queries per member, and checks
that a second run sends nothing.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

UNUSABLE = "!"  # an unusable password hash
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

    # The same SQLite settings as a deployment without DATABASE_URL (WAL, NORMAL sync).
    connections["default"].settings_dict["OPTIONS"].update(
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    call_command("migrate", verbosity=0)


def fill(n_members: int, n_communities: int, seed: int = 7):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from koinon.accounts.models import Profile, ProfileSkill, Skill, User
    from koinon.communities.models import Community, Membership
    from koinon.core.models import ActivityEntry
    from koinon.discussions.models import Topic
    from koinon.events.models import Event
    from koinon.notifications.models import DigestSubscription

    rng = random.Random(seed)
    communities = Community.objects.bulk_create(
        Community(name=f"Community {i}", slug=f"c{i}", kind="practice", domain="d", purpose="p")
        for i in range(n_communities)
    )
    skills = Skill.objects.bulk_create(Skill(name=f"skill{i}") for i in range(60))
    users = []
    batch = 5000
    for offset in range(0, n_members, batch):
        chunk = User.objects.bulk_create(
            User(email=f"m{i}@example.org", password=UNUSABLE, language=rng.choice(["it", "en"]))
            for i in range(offset, min(offset + batch, n_members))
        )
        Profile.objects.bulk_create(Profile(user=u, display_name=f"M{u.pk}") for u in chunk)
        Membership.objects.bulk_create(
            Membership(user=u, community=c, role="member")
            for u in chunk
            for c in rng.sample(communities, 3)
        )
        ProfileSkill.objects.bulk_create(
            ProfileSkill(user=u, skill=s, level=3) for u in chunk for s in rng.sample(skills, 2)
        )
        DigestSubscription.objects.bulk_create(
            DigestSubscription(user=u, daily=True) for u in chunk
        )
        users.extend(chunk)
    topic_type = ContentType.objects.get_for_model(Topic)
    now = timezone.now()
    for community in communities:
        authors = rng.sample(users, 20)
        topics = Topic.objects.bulk_create(
            Topic(
                community=community,
                author=a,
                title=f"How to use {rng.choice(skills).name}? {i}" if i % 4 == 0 else f"Notes {i}",
                kind="question" if i % 4 == 0 else "discussion",
            )
            for i, a in enumerate(authors)
        )
        ActivityEntry.objects.bulk_create(
            ActivityEntry(
                actor=t.author,
                verb="topic.created",
                community=community,
                target_type=topic_type,
                target_id=t.pk,
            )
            for t in topics
        )
        Event.objects.bulk_create(
            Event(
                community=community,
                kind="seminar",
                title=f"Meetup {community.pk}-{d}",
                starts_at=now + timedelta(days=d, hours=2),
                ends_at=now + timedelta(days=d, hours=4),
            )
            for d in (1, 3)
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from django.db import connection
        from django.utils import timezone

        from koinon.notifications.digests import send_digests

        started = time.perf_counter()
        fill(args.members, args.communities)
        print(f"filled {args.members:,} members in {time.perf_counter() - started:.1f} s")
        tomorrow = timezone.localdate() + timedelta(days=1)
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started, cpu = time.perf_counter(), time.process_time()
            sent = send_digests("daily", today=tomorrow)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        members = max(args.members, 1)
        print(f"daily digests: {sent:,} sent to {args.members:,} members in {elapsed:.1f} s")
        print(
            f"  {elapsed / members * 1000:.2f} ms and "
            f"{len(queries) / members:.2f} queries per member"
        )
        # On a shared machine the wall clock includes waiting for a core; CPU time does not.
        print(f"  CPU time of this process: {cpu:.1f} s ({cpu / members * 1000:.2f} ms per member)")
        print(f"  for 100,000 members: about {elapsed / members * 100_000 / 60:.1f} min wall clock")
        started = time.perf_counter()
        again = send_digests("daily", today=tomorrow)
        print(f"second run: {again} sent in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
