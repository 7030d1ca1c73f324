"""A fixed-window rate limit on the API, counted in the cache (Redis when configured).

Limits are requests per minute, read from ``settings.API_RATE_LIMITS`` at request time:
``{"user": 200, "anon": 100}`` by default (per person when signed in, per IP otherwise).
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

from koinon.api.errors import RateLimited

DEFAULT_LIMITS = {"user": 200, "anon": 100}
WINDOW_SECONDS = 60


def limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "API_RATE_LIMITS", {})}


def _client_key(request, user) -> tuple[str, int]:
    if user is not None:
        return f"user:{user.pk}", limits()["user"]
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return f"ip:{request.META.get('REMOTE_ADDR', '')}", limits()["anon"]


def check_rate_limit(request, user) -> None:
    """Count this request; raise RateLimited (429) once the window's limit is passed."""
    who, limit = _client_key(request, user)
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{who}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        retry_after = math.ceil((window + 1) * WINDOW_SECONDS - now)
        raise RateLimited(retry_after=max(1, retry_after))
