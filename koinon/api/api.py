"""The JSON API under /api/v1/: each app keeps its endpoints in its own api.py.

Authentication: a personal access token (``Authorization: Bearer …``) or the browser
session (with the CSRF token for writes). Errors are one JSON shape; see ``errors``.
"""

from django.http import Http404
from ninja import NinjaAPI, Router

from koinon.accounts.api import router as accounts_router
from koinon.api.auth import api_auth, optional_auth
from koinon.api.docs import KoinonSwagger
from koinon.api.errors import register_error_handlers
from koinon.communities.api import router as communities_router

DESCRIPTION = """
Koinon's API: the same policy and actions as the web pages.

**Authentication.** `Authorization: Bearer <personal access token>` (create one in your
settings, or `python -m koinon token create EMAIL --name NAME`); read-only tokens may only
GET. A browser session works too, with the `X-CSRFToken` header on writes. A token in the
address (`?token=`, `?access_token=`) is refused. Public communities and profiles can be
read without signing in.

**Errors** always have the shape `{"detail": "...", "code": "...", "errors": [{"field":
"...", "message": "..."}]}`. Bad input (malformed JSON, unknown fields, invalid values) is
**400**; not signed in or a bad token **401**; not allowed **403**; what does not exist or
what you may not see **404** (the same body for both); conflicts **409**; an expired or
used invitation **410**; too many requests **429** with `Retry-After`.

**Rate limits**: 200 requests a minute per person, 100 per IP address for anonymous calls.
"""

api = NinjaAPI(
    title="Koinon API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=api_auth,
    docs=KoinonSwagger(),
)
register_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", communities_router)
api.add_router("/", "koinon.discussions.api.router")
api.add_router("/", "koinon.library.api.router")
api.add_router("/", "koinon.events.api.router")
api.add_router("/", "koinon.mentoring.api.router")
api.add_router("/", "koinon.network.api.router")
api.add_router("/", "koinon.messaging.api.router")
api.add_router("/", "koinon.notifications.api.router")
api.add_router("/", "koinon.learning.api.router")
api.add_router("/", "koinon.projects.api.router")
api.add_router("/", "koinon.moderation.api.router")
api.add_router("/", "koinon.reputation.api.router")
api.add_router("/", "koinon.polls.api.router")
api.add_router("/", "koinon.attachments.api.router")
api.add_router("/", "koinon.standards.api.router")
api.add_router("/", "koinon.opportunities.api.router")
api.add_router("/", "koinon.insights.api.router")


fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:rest}",
    auth=optional_auth,
    include_in_schema=False,
)
def unknown_endpoint(request, rest: str):
    """Unknown addresses under /api/v1/ answer JSON too, never an HTML page."""
    raise Http404


api.add_router("/", fallback)  # last, so it only catches what nothing else matched
