"""The one error type that actions raise for a refused or invalid request.

Views turn it into a form error or a message, the API into a 4xx JSON body.
"""

from django.utils.translation import gettext as _


class ActionError(Exception):
    """A request that cannot be carried out, with a message fit for the person."""

    def __init__(
        self, message, *, code: str = "invalid", field: str | None = None, status: int = 400
    ):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.status = status


class Conflict(ActionError):
    def __init__(self, message, *, code: str = "conflict", field: str | None = None):
        super().__init__(message, code=code, field=field, status=409)


class Forbidden(ActionError):
    def __init__(self, message, *, code: str = "forbidden", field: str | None = None):
        super().__init__(message, code=code, field=field, status=403)


class RateLimited(ActionError):
    """Too many requests: a 429, with the seconds to wait before trying again."""

    def __init__(self, retry_after: int):
        super().__init__(
            _("Too many requests: please wait a minute and try again."),
            code="rate_limited",
            status=429,
        )
        self.retry_after = retry_after
