"""Schemas and helpers shared by every app's api.py."""

from django.core.paginator import Paginator
from ninja import Schema
from pydantic import ConfigDict, field_validator


class ErrorDetail(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorDetail]


class Input(Schema):
    """A request body: unknown fields are refused (400 listing them)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PatchInput(Input):
    """A partial update: every field optional, but none may be sent as null."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError("This field may not be null.")
        return value

    def changes(self) -> dict:
        return self.model_dump(exclude_unset=True)


class PageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int


MAX_PAGE_SIZE = 100


def paginate(queryset, page: int, page_size: int) -> dict:
    """One page of `queryset` as {count, page, pages, page_size, items}; out of range → last."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    current = Paginator(queryset, page_size).get_page(page)
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "page_size": page_size,
        "items": list(current.object_list),
    }


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
