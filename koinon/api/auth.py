"""Who is calling the API: a personal access token, a browser session, or nobody.

1. A token in the address (``?token=``, ``?access_token=``) is refused (400): addresses
   end up in logs and browser histories.
2. ``Authorization: Bearer <token>``: the token must exist, be active and belong to an
   active, non-erased person (else 401); a read-only token may not write (403).
3. Otherwise the Django session; writes then need the CSRF token (403 without it).
4. Otherwise anonymous: allowed only where the endpoint says so (``optional_auth``).

Every call, whoever makes it, counts against the rate limit (see ``ratelimit``).
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from koinon.accounts.models import ApiToken, TokenScope, hash_token
from koinon.api.ratelimit import check_rate_limit
from koinon.lib.errors import ActionError, Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
QUERY_TOKEN_NAMES = ("token", "access_token")
LAST_USED_RESOLUTION = timedelta(minutes=1)


class Anonymous:
    """What `request.auth` holds for an anonymous caller of a public endpoint."""

    def __bool__(self):
        return True  # ninja treats a falsy result as "not authenticated"


ANONYMOUS = Anonymous()


def _invalid_token() -> ActionError:
    return ActionError(
        _("This token is not valid: it may have been revoked or have expired."),
        code="invalid_token",
        status=401,
    )


def _is_usable(user) -> bool:
    return user.is_active and user.erased_at is None


def _touch(token: ApiToken) -> None:
    """Record the use at most once a minute; the conditional update skips the write."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)


def _user_from_token(request, header: str):
    scheme, _sep, raw = header.strip().partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise ActionError(
            _("Use “Authorization: Bearer <token>”."), code="invalid_authorization", status=401
        )
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.is_active or not _is_usable(token.user):
        raise _invalid_token()
    if request.method not in SAFE_METHODS and token.scope != TokenScope.WRITE:
        raise Forbidden(_("This token is read-only."), code="read_only_token")
    if token.last_used_at is None or timezone.now() - token.last_used_at >= LAST_USED_RESOLUTION:
        _touch(token)
    request.user = token.user
    request.api_token = token
    if token.user.language:
        translation.activate(token.user.language)
    return token.user


def _user_from_session(request):
    user = request.user
    if not user.is_authenticated:
        return None
    if not _is_usable(user):
        raise ActionError(_("This account is not active."), code="inactive_account", status=401)
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise Forbidden(
            _("CSRF check failed: send the X-CSRFToken header with session requests."),
            code="csrf_failed",
        )
    return user


def identify(request):
    """The person calling, or None for an anonymous caller; raises on a bad credential."""
    if any(name in request.GET for name in QUERY_TOKEN_NAMES):
        raise ActionError(
            _("Send the token in the Authorization header, never in the address."),
            code="token_in_query",
        )
    header = request.headers.get("Authorization")
    if header:
        return _user_from_token(request, header)
    return _user_from_session(request)


class ApiAuth(AuthBase):
    """Bearer token or session; documented in OpenAPI as a bearer scheme."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = (
        "A personal access token (`Authorization: Bearer kn_…`), or the browser session "
        "with the CSRF token in the X-CSRFToken header for writes."
    )
    csrf = True  # tells ninja's docs page to send the CSRF header
    allow_anonymous = False

    def __call__(self, request):
        try:
            user = identify(request)
        except ActionError:
            check_rate_limit(request, None)
            raise
        check_rate_limit(request, user)
        if user is not None:
            return user
        if self.allow_anonymous:
            return ANONYMOUS
        raise AuthenticationError()


class OptionalAuth(ApiAuth):
    """Like ApiAuth, but an anonymous caller may go on (public reads)."""

    allow_anonymous = True


api_auth = ApiAuth()
optional_auth = OptionalAuth()
