"""Settings for `bench/bench_http.py`: Koinon's own, plus a minimal view to compare with.

Two gunicorn workers must share their cache (the anonymous page cache, kept searches,
unread counts and the rate limits), as in production: Redis on 127.0.0.1 (database 15,
the bench's own: it is emptied at each run) unless REDIS_URL names another.
"""

import os

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from koinon.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CACHES["default"]["KEY_PREFIX"] = "koinon-bench"  # noqa: F405
