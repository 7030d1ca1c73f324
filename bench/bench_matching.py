"""How long matching one mentoring request takes against 10,000 mentor offers.

Run by hand: `python bench/bench_matching.py [--offers N] [--runs R]`. It builds a
temporary SQLite database (migrated from scratch, then filled with bulk inserts:
N mentors in 20 communities, one offer each with 3 of 60 skills, some places
taken), then prints the median time of R matchings of one request, the
per-offer cost, and the SQL queries one matching runs. Target: under 200 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

UNUSABLE = "!"  # an unusable password hash
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koinon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(n_offers: int, seed: int = 7):
    from koinon.accounts.models import Profile, Skill, User
    from koinon.communities.models import Community, Membership
    from koinon.mentoring.models import (
        MentoringOffer,
        MentoringRequest,
        Mentorship,
        OfferSkill,
        RequestSkill,
    )

    rng = random.Random(seed)
    zones = ["Europe/Rome", "Europe/London", "America/New_York", "Asia/Tokyo", "Asia/Kolkata"]
    languages = ["it", "en", "fr", "de", "es"]
    communities = Community.objects.bulk_create(
        Community(name=f"C{i}", slug=f"c{i}", kind="practice", domain="d", purpose="p")
        for i in range(20)
    )
    skills = Skill.objects.bulk_create(Skill(name=f"Skill {i}") for i in range(60))
    users = User.objects.bulk_create(
        User(email=f"m{i}@example.org", password=UNUSABLE) for i in range(n_offers + 10)
    )
    Profile.objects.bulk_create(
        Profile(user=u, display_name=f"Mentor {u.pk}", time_zone=rng.choice(zones)) for u in users
    )
    mentee, mentors, mentees = users[0], users[1 : n_offers + 1], users[n_offers + 1 :]
    Membership.objects.bulk_create(
        [Membership(user=mentee, community=c) for c in communities]
        + [Membership(user=u, community=rng.choice(communities)) for u in mentors + mentees]
    )
    offers = MentoringOffer.objects.bulk_create(
        MentoringOffer(
            mentor=u,
            community=rng.choice([None, None, rng.choice(communities)]),
            topics="Mentoring",
            languages=rng.sample(languages, 2),
            format="online",
            capacity=rng.randint(1, 4),
        )
        for u in mentors
    )
    OfferSkill.objects.bulk_create(
        OfferSkill(offer=o, skill=s, level=rng.randint(1, 5))
        for o in offers
        for s in rng.sample(skills, 3)
    )
    Mentorship.objects.bulk_create(
        Mentorship(offer=o, mentor_id=o.mentor_id, mentee=rng.choice(mentees), status="active")
        for o in rng.sample(offers, n_offers // 5)
    )
    request = MentoringRequest.objects.create(
        mentee=mentee, goals="Grow", languages=["it", "en"], time_zone="Europe/Rome"
    )
    RequestSkill.objects.bulk_create(
        RequestSkill(request=request, skill=s, wish=w)
        for s, w in zip(skills[:4], [2, 1, 1, 2], strict=True)
    )
    return request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        setup_django(Path(folder) / "bench.sqlite3")
        request = fill(args.offers)
        print(f"database ready in {time.perf_counter() - started:.1f} s")
        run(request, args)


def run(request, args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from koinon.mentoring.matching import match_offers, with_offers

    def once(limit, hydrate=True):
        started, cpu = time.perf_counter(), time.process_time()
        matches = match_offers(request, limit=limit)
        if hydrate:
            with_offers(matches)
        for match in matches:
            [str(r) for r in match.reasons]
        return time.perf_counter() - started, time.process_time() - cpu, matches

    once(10)  # warm the caches (time zones, translations, statement cache)
    runs = (
        ("top 10, as the request page shows them", 10, True),
        ("every offer ranked, with its reasons", None, False),
    )
    for label, limit, hydrate in runs:
        results = [once(limit, hydrate) for _ in range(args.runs)]
        timings = sorted(r[0] for r in results)
        median = statistics.median(timings)
        cpu = statistics.median(r[1] for r in results)
        print(
            f"{label}: {args.offers} offers, median {median * 1000:.1f} ms "
            f"(min {timings[0] * 1000:.1f}, max {timings[-1] * 1000:.1f}; "
            f"CPU {cpu * 1000:.1f} ms), {median / args.offers * 1e6:.2f} µs per offer"
        )
    print("target: under 200 ms for the top 10 (wall time grows when other work shares the CPUs)")
    with CaptureQueriesContext(connection) as queries:
        _elapsed, _cpu, matches = once(10)
    print(f"one matching runs {len(queries)} SQL queries; best: {matches[0].score} points")
    for reason in matches[0].reasons:
        print("   ", reason)


if __name__ == "__main__":
    main()
