"""The one error type that actions raise for a refused or invalid request.

Views turn it into a form error or a message, the API into a 4xx JSON body.
"""


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
