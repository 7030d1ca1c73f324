"""Requests/s, p50, p95 and p99 of Koinon's busiest pages under gunicorn, beside a minimal view.

Run by hand, against a database already filled with `python -m koinon seed --posts N`:

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/bench_http.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/bench_http.py

It starts gunicorn (2 sync workers by default) on 127.0.0.1, then a load tool of our own
(asyncio, one process, a fixed number of connections kept busy for a fixed time, a new
TCP connection per request as gunicorn's sync workers close them) on: a public
community's topic list, its busiest topic page and a search, first as an anonymous
visitor, then as a logged-in member, each in turns with a minimal Django view (same
settings, same middleware: `--slices` turns of each). It prints each figure and its
ratio to the minimal view measured in its turns, then the searches' latency with
one connection per worker (no request waits behind another), the workers' memory, and
stops gunicorn. Everything targets 127.0.0.1 and stops by itself.

"search" asks one search again and again: after the first, its ranking is kept (as for
a popular search). "new searches" asks a different one each time (the words of the
community's topic titles, alone and in pairs, shuffled), so none is kept: the cost of a search
nobody asked before. The cache (the bench's own Redis database) is emptied first, and
the run starts and ends with how long this machine takes for a fixed piece of Python,
to compare runs on different machines (or on one whose speed drifts).
"""

import argparse
import asyncio
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent


def setup_django():
    sys.path[:0] = [str(ROOT), str(BENCH)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()


def pick_targets(search_term: str | None) -> dict:
    """A public community, its busiest topic, a search word, and a member's session."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from koinon.communities.models import Community, Membership, Role
    from koinon.discussions.models import Topic

    community = (
        Community.objects.filter(visibility="public")
        .annotate(n=Count("topics"))
        .order_by("-n")
        .first()
    )
    if community is None:
        sys.exit("No public community: run `python -m koinon seed --posts N` first.")
    topic = Topic.objects.filter(community=community).order_by("-reply_count").first()
    # A plain member: not the owner or a moderator (who see every post's tools).
    member = (
        Membership.objects.filter(community=community, role=Role.MEMBER)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    # The longest word of its title: a first word is often a stop word, which PostgreSQL
    # drops (and then finds nothing).
    word = search_term or max(topic.title.split(), key=len)
    return {
        "topic list": f"/c/{community.slug}/topics/",
        "topic page": f"/c/{community.slug}/t/{topic.pk}/",
        "search": f"/search/?q={word}",
        "new searches": new_searches(community),
        "_cookie": f"sessionid={session.session_key}",
        "_about": f"{community.slug}: topic {topic.pk} ({topic.reply_count} replies), q={word}",
    }


def new_searches(community):
    """Endless different searches: each word of the topic titles and each pair of them,
    in a shuffled order (the same at every run), then triples.

    Shuffled, every part of the run (anonymous, member, unqueued) asks the same mix of
    rare and common words: in alphabetical order the first parts asked the lone words
    and the pairs of the first few.
    """
    titles = community.topics.values_list("title", flat=True)[:5000]
    words = sorted({w.lower() for t in titles for w in re.findall(r"\w+", t) if len(w) > 4})
    asked = [(w,) for w in words] + list(itertools.permutations(words, 2))
    random.Random(0).shuffle(asked)
    triples = itertools.permutations(words, 3)
    return (f"/search/?q={'+'.join(q)}" for q in itertools.chain(asked, triples))


def database_memory(connection) -> str:
    """PostgreSQL's shared buffers, which decide how much of the database it holds."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        return f" (shared_buffers {cursor.fetchone()[0]})"


def cpu_reference_ms() -> float:
    """How long this machine takes to sum a million integers (best of five)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


async def one_request(port: int, path: str, cookie: str | None) -> tuple[float, int]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: it\r\n"
    if cookie:
        headers += f"Cookie: {cookie}\r\n"
    writer.write((headers + "Connection: close\r\n\r\n").encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return time.perf_counter() - started, status


async def timed(port, path, cookie, seconds, connections) -> tuple[list[float], float, int]:
    """Latencies (s) of the requests `connections` clients make for `seconds`, the wall
    time they took, and how many failed."""
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds

    async def client():
        nonlocal errors
        while time.perf_counter() < deadline:
            try:
                url = path if isinstance(path, str) else next(path)
                elapsed, status = await one_request(port, url, cookie)
            except OSError:
                errors += 1
                continue
            if status != 200:
                errors += 1
            latencies.append(elapsed)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return latencies, time.perf_counter() - started, errors


def summary(latencies: list[float], wall: float, errors: int) -> dict:
    latencies = sorted(latencies)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p95": pct(0.95) if latencies else 0,
        "p99": pct(0.99) if latencies else 0,
        "n": len(latencies),
        "errors": errors,
    }


def load(port, path, cookie, seconds, connections) -> dict:
    return summary(*asyncio.run(timed(port, path, cookie, seconds, connections)))


def beside_minimal(args, path, cookie) -> tuple[list, list]:
    """The page and the minimal view measured in turns (`args.slices` of each), so that
    both see the machine as it is then: its speed drifts by a fifth within a minute
    here, and a ratio of two figures taken apart moves with it. Returns the timed runs
    of each (`timed`)."""
    page, minimal = [], []
    for _ in range(args.slices):
        seconds = args.seconds / args.slices
        page.append(asyncio.run(timed(args.port, path, cookie, seconds, args.connections)))
        minimal.append(
            asyncio.run(timed(args.port, MINIMAL, cookie, seconds / 2, args.connections))
        )
    return page, minimal


def merged(runs) -> dict:
    """The summary of several timed runs taken as one."""
    latencies = [latency for run in runs for latency in run[0]]
    return summary(latencies, sum(run[1] for run in runs), sum(run[2] for run in runs))


MINIMAL = "/bench/minimal/"


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "DEBUG": "false"}
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--pythonpath", f"{ROOT},{BENCH}",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "koinon.wsgi",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    for _ in range(100):
        try:
            asyncio.run(one_request(port, MINIMAL, None))
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def worker_memory_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss_kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        sizes.append(int(rss_kb) / 1024)
    return sizes


def row(name: str, r: dict, baseline: float) -> str:
    return (
        f"{'':<10} {name:<13} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
        f"{r['p99']:>8.1f} {r['errors']:>7} {r['rps'] / baseline:>10.1%}"
    )


def print_unqueued_search_latency(args, targets, cookie) -> None:
    """Search latency with one connection per worker: each request is served as it
    comes. With more connections than workers, a request also waits for those ahead of
    it (about connections / workers of them), which the tables above include."""
    print(f"\nsearch with {args.workers} connections (one per worker, no queue)")
    print(f"{'':<10} {'page':<13} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for who, who_cookie in (("anonymous", None), ("member", cookie)):
        for name in ("search", "new searches"):
            path = targets[name]
            load(args.port, path, who_cookie, args.warmup, args.workers)
            r = load(args.port, path, who_cookie, args.seconds, args.workers)
            print(f"{who:<10} {name:<13} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                  f"{r['p99']:>8.1f}")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--search-term")
    args = parser.parse_args()

    setup_django()
    from django.core.cache import cache
    from django.db import connection

    cache.clear()  # the bench's own Redis database: nothing kept from an earlier run

    targets = pick_targets(args.search_term)
    cookie = targets.pop("_cookie")
    print(f"Database: {connection.vendor}{database_memory(connection)}; {targets.pop('_about')}")
    print(f"This machine sums a million integers in {cpu_reference_ms():.1f} ms (Python)")
    print(f"gunicorn: {args.workers} sync workers; {args.connections} connections, "
          f"{args.seconds:g} s per page after {args.warmup:g} s of warm-up")  # fmt: skip
    server = start_gunicorn(args.port, args.workers)
    try:
        for who, who_cookie in (("anonymous", None), ("member", cookie)):
            print(f"\n{who:<10} {'page':<13} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'p99 ms':>8} {'errors':>7} {'vs minimal':>11}")  # fmt: skip
            pages, minimal_runs = {}, []
            for name, path in targets.items():
                load(args.port, path, who_cookie, args.warmup, args.connections)
                page_runs, beside = beside_minimal(args, path, who_cookie)
                pages[name] = (merged(page_runs), merged(beside)["rps"])
                minimal_runs += beside
            minimal = merged(minimal_runs)
            print(row("minimal view", minimal, minimal["rps"]))
            for name, (r, baseline) in pages.items():
                print(row(name, r, baseline))
        print_unqueued_search_latency(args, targets, cookie)
        memory = ", ".join(f"{mb:.0f} MB" for mb in worker_memory_mb(server))
        print(f"\nWorkers' resident memory after the load: {memory}")
        print(f"At the end, this machine sums a million integers in {cpu_reference_ms():.1f} ms")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
