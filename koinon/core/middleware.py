from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set, and no caching of private pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class UserLanguageMiddleware:
    """A signed-in person sees the language they chose in their settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language and "django_language" not in request.COOKIES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class UserSessionActivityMiddleware:
    """allauth's "last seen" of a session, written at most once every few minutes.

    allauth's own middleware writes the session's row on every request a signed-in
    person makes: a write transaction per page view, which halves what a reader costs
    and, on SQLite, queues readers behind one lock. The cache remembers the last write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user, session = getattr(request, "user", None), getattr(request, "session", None)
        if user is not None and user.is_authenticated and session and session.session_key:
            key = f"usersession-seen:{session.session_key}"
            if cache.add(key, True, settings.USERSESSIONS_ACTIVITY_INTERVAL):
                usersessionkit.track_activity(request, user=user, session=session)
        return self.get_response(request)
