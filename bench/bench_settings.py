"""Settings for `bench/bench_http.py`: Koinon's own, plus a minimal view to compare with."""

from koinon.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
