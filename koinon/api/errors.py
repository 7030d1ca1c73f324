"""One JSON error shape for the whole API, and the handlers that produce it.

Every error answers ``{"detail": str, "code": str, "errors": [{"field", "message"}]}``.
Bad input (malformed JSON, unknown fields, invalid values) is always 400; what the
policy hides is 404 with exactly the body of something that does not exist.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from koinon.lib.errors import ActionError, RateLimited

logger = logging.getLogger(__name__)

# Where a parameter came from; the first part of a pydantic error location.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_body(detail, code: str, errors: list | None = None) -> dict:
    return {"detail": str(detail), "code": code, "errors": errors or []}


def not_found_body() -> dict:
    return error_body(_("Not found."), "not_found")


def _field_name(loc) -> str:
    """("body", "payload", "links", 0) → "links.0"; ("query", "page") → "page"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the view's argument name, e.g. "payload"
    return ".".join(str(p) for p in parts)


def _message(error: dict) -> str:
    if error.get("type") == "extra_forbidden":
        return str(_("Unknown field."))
    # Our own checks raise ValueError; pydantic prefixes their message with "Value error, ".
    return str(error["msg"]).removeprefix("Value error, ")


def _validation_body(exc: ValidationError) -> dict:
    unknown = [_field_name(e["loc"]) for e in exc.errors if e.get("type") == "extra_forbidden"]
    errors = [{"field": _field_name(e["loc"]), "message": _message(e)} for e in exc.errors]
    if unknown:
        detail = _("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}
        return error_body(detail, "unknown_fields", errors)
    return error_body(_("Some fields are not valid."), "invalid", errors)


def register_error_handlers(api: NinjaAPI) -> None:
    def respond(request, body, status, headers=None):
        response = api.create_response(request, body, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc):
        return respond(request, _validation_body(exc), 400)

    @api.exception_handler(ActionError)
    def on_action_error(request, exc):
        errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else []
        headers = {}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        return respond(request, error_body(exc.message, exc.code, errors), exc.status, headers)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, not_found_body(), 404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        return respond(request, error_body(_("You are not allowed to do this."), "forbidden"), 403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        body = error_body(_("Sign in or send a personal access token."), "not_authenticated")
        return respond(request, body, 401, {"WWW-Authenticate": "Bearer"})

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            body = error_body(_("The request body is not valid JSON."), "malformed_json")
            return respond(request, body, 400)
        return respond(request, error_body(exc.message, "error"), exc.status_code)

    @api.exception_handler(DataError)
    def on_data_error(request, exc):
        # PostgreSQL stores no NUL character in text ("\u0000" in JSON, %00 in a query).
        if "NUL" in str(exc):
            body = error_body(_("Text cannot hold a NUL character."), "invalid")
            return respond(request, body, 400)
        return on_unexpected(request, exc)

    @api.exception_handler(Exception)
    def on_unexpected(request, exc):
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        body = error_body(_("Something went wrong on our side."), "server_error")
        return respond(request, body, 500)
