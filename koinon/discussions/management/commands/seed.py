"""`python -m koinon seed --posts 1000000`: communities, members, topics and posts for benchmarks.

Rows are written in bulk with their primary keys chosen here, so a topic can name
its accepted answer before the answer's row exists (foreign keys are checked at
commit); the search index is filled at the end in one pass.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from koinon.accounts.handles import unique_handle
from koinon.accounts.models import Profile, User
from koinon.communities.models import Community, Membership, Role, Visibility
from koinon.discussions import seeding_text as text
from koinon.discussions.models import Label, Post, Tag, Topic, TopicKind
from koinon.lib.markdown import render_markdown
from koinon.search.query import forget_readable_communities

PASSWORD = "seed-password-2026"  # noqa: S105 - benchmark accounts, printed on purpose
POSTS_PER_TOPIC = 12


class Command(BaseCommand):
    help = "Create communities, members, topics and posts in bulk (benchmark data)."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=10_000)
        parser.add_argument("--communities", type=int, default=0, help="default: posts/100,000")
        parser.add_argument("--members", type=int, default=0, help="default: posts/50")
        parser.add_argument("--batch", type=int, default=20_000, help="posts per transaction")
        parser.add_argument("--random-seed", type=int, default=2026)
        parser.add_argument("--no-index", action="store_true", help="skip the search index")

    def handle(self, *args, posts, communities, members, batch, random_seed, no_index, **opts):
        if posts < 1:
            raise CommandError("--posts must be at least 1")
        self.rng = random.Random(random_seed)
        self.run = f"{timezone.now():%Y%m%d%H%M%S}"
        started = time.monotonic()
        users = self.make_users(members or max(20, posts // 50))
        spaces = self.make_communities(communities or max(3, posts // 100_000), users)
        tags = self.make_tags()
        first_post = self.make_topics_and_posts(posts, spaces, tags, batch)
        self.reset_sequences()
        self.analyze()
        if not no_index:
            from koinon.search import index

            count = index.index_posts(
                Post.objects.filter(pk__gte=first_post), progress=self.index_progress(posts)
            )
            self.say(f"indexed {count} posts for search")
            self.analyze()
        self.say(f"done in {time.monotonic() - started:.0f} s; members log in with {PASSWORD!r}")

    def index_progress(self, total):
        started, step = time.monotonic(), max(total // 20, 5000)
        next_report = [step]

        def progress(count):
            if count >= next_report[0] or count == total:
                next_report[0] += step
                rate = count / max(time.monotonic() - started, 0.001)
                self.say(f"indexed {count} of {total} posts for search ({rate:,.0f}/s)")

        return progress

    def say(self, message):
        self.stdout.write(message)
        self.stdout.flush()

    # --- People and communities ----------------------------------------------------

    def make_users(self, count):
        password = make_password(PASSWORD)
        now = timezone.now()
        users = [
            User(
                email=f"seed-{self.run}-{n}@example.org",
                password=password,
                language=self.rng.choice(["it", "en"]),
                date_joined=now - timedelta(days=self.rng.randint(30, 900)),
            )
            for n in range(count)
        ]
        users = User.objects.bulk_create(users, batch_size=2000)
        taken = set(Profile.objects.exclude(handle=None).values_list("handle", flat=True))
        profiles = []
        for user in users:
            name = text.person(self.rng)
            handle = unique_handle(name, taken=taken)
            taken.add(handle)
            profiles.append(Profile(user=user, display_name=name, handle=handle))
        Profile.objects.bulk_create(profiles, batch_size=2000, ignore_conflicts=True)
        self.say(f"{count} members")
        return users

    def make_communities(self, count, users):
        spaces = []
        for n in range(count):
            language = "it" if n % 2 == 0 else "en"
            spaces.append(
                Community(
                    name=f"Seed {n + 1} ({language})",
                    slug=f"seed-{self.run}-{n + 1}",
                    kind="practice",
                    domain="Project management",
                    purpose="Benchmark data.",
                    languages=[language],
                    visibility=Visibility.PRIVATE if n % 5 == 4 else Visibility.PUBLIC,
                    allow_anonymous=n % 3 == 0,
                )
            )
        spaces = Community.objects.bulk_create(spaces)
        memberships, self.members = [], {c.pk: [] for c in spaces}
        for user in users:
            joined = self.rng.sample(spaces, k=min(len(spaces), self.rng.randint(1, 3)))
            for community in joined:
                role = Role.OWNER if not self.members[community.pk] else Role.MEMBER
                memberships.append(Membership(community=community, user=user, role=role))
                self.members[community.pk].append(user.pk)
        Membership.objects.bulk_create(memberships, batch_size=5000)
        forget_readable_communities()  # bulk_create sends no signal
        self.say(f"{count} communities, {len(memberships)} memberships")
        return [c for c in spaces if self.members[c.pk]]

    def make_tags(self):
        Tag.objects.bulk_create([Tag(name=n) for n in text.TAGS], ignore_conflicts=True)
        return list(Tag.objects.filter(name__in=text.TAGS))

    # --- Topics and posts ------------------------------------------------------------

    def make_topics_and_posts(self, total, spaces, tags, batch):
        self.next_topic = (Topic.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.next_post = first_post = (Post.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        made, started = 0, time.monotonic()
        while made < total:
            size = min(batch, total - made)
            with transaction.atomic():
                made += self.write_batch(size, spaces, tags)
            rate = made / max(time.monotonic() - started, 0.001)
            self.say(f"{made} posts ({rate:,.0f}/s)")
        return first_post

    def write_batch(self, size, spaces, tags):
        topics, posts, links = [], [], []
        written = 0
        while written < size:
            replies = min(
                size - written - 1, max(0, int(self.rng.expovariate(1 / POSTS_PER_TOPIC)))
            )
            topic, thread = self.topic_with_posts(self.rng.choice(spaces), replies)
            topics.append(topic)
            posts.extend(thread)
            for tag in self.rng.sample(tags, k=self.rng.randint(0, 3)):
                links.append(Topic.tags.through(topic_id=topic.pk, tag_id=tag.pk))
            written += len(thread)
        Topic.objects.bulk_create(topics, batch_size=2000)
        Post.objects.bulk_create(posts, batch_size=2000)
        Topic.tags.through.objects.bulk_create(links, batch_size=5000)
        return written

    def topic_with_posts(self, community, replies):
        rng, language = self.rng, community.languages[0]
        members = self.members[community.pk]
        question = rng.random() < 0.4
        start = timezone.now() - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
        topic = Topic(
            pk=self.next_topic,
            community=community,
            kind=TopicKind.QUESTION if question else TopicKind.DISCUSSION,
            title=text.title(rng, language, question),
            label=rng.choice([Label.NONE, Label.NONE, Label.CHALLENGE, Label.TREND, Label.TIP]),
            language=language,
            author_id=rng.choice(members),
            is_anonymous=community.allow_anonymous and rng.random() < 0.05,
            created_at=start,
            reply_count=replies,
        )
        self.next_topic += 1
        thread, when = [], start
        for n in range(replies + 1):
            when += timedelta(minutes=rng.randint(1, 600))
            thread.append(self.post(topic, n == 0, rng.choice(members), when))
        topic.author_id, topic.is_anonymous = thread[0].author_id, thread[0].is_anonymous
        topic.last_activity_at = thread[-1].created_at
        if question and replies and rng.random() < 0.5:
            topic.accepted_answer_id = rng.choice(thread[1:]).pk
        return topic, thread

    def post(self, topic, opening, author_id, when):
        body = text.paragraph(self.rng, topic.language)
        post = Post(
            pk=self.next_post,
            topic_id=topic.pk,
            is_opening=opening,
            author_id=author_id,
            is_anonymous=topic.is_anonymous
            if opening
            else (topic.community.allow_anonymous and self.rng.random() < 0.03),
            body=body,
            # Generated text has no Markdown: the pipeline would give <p>text</p>.
            body_html=f"<p>{body}</p>\n",
            helpful_count=int(self.rng.expovariate(1.0)),
            created_at=when,
        )
        self.next_post += 1
        return post

    def analyze(self):
        """Fresh planner statistics: after a bulk load the old ones mislead every query.

        On PostgreSQL, a VACUUM too, as autovacuum would do some minutes later: indexing
        rewrote every document's row, and until the old versions are gone every scan of
        the search table reads both (and its GIN index's pending list is scanned whole).
        VACUUM cannot run inside a transaction (a test's): there, ANALYZE alone.
        On SQLite, the search index's segments are merged into one, as after any bulk
        load: the inserts left many, and a search reads each word in every one.
        """
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
            if connection.vendor == "sqlite":
                cursor.execute(
                    "INSERT INTO search_document_fts(search_document_fts) VALUES ('optimize')"
                )

    def reset_sequences(self):
        sql = connection.ops.sequence_reset_sql(no_style(), [Topic, Post])
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _check_html_matches_pipeline():
    """The shortcut above holds: plain generated text renders as one paragraph."""
    rng = random.Random(1)
    body = text.paragraph(rng, "it")
    return render_markdown(body) == f"<p>{body}</p>\n"
