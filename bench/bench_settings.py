"""Settings for `bench/bench_http.py`: Koinon's own, plus a minimal view to compare with.

Two gunicorn workers must share their cache (the anonymous page cache and the rate
limits), as in production: Redis on 127.0.0.1 unless REDIS_URL names another.
"""

import os

from koinon.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CACHES = {
    "default": {
        "BACKEND": "koinon.lib.redis_cache.SharedClientRedisCache",
        "LOCATION": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "koinon-bench",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
