"""Helpers for the API tests: a JSON client, with a token or a session, and fresh rate limits."""

import json

import pytest
from django.test import Client

from koinon.accounts.models import ApiToken, TokenScope
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory


class Api:
    """Calls /api/v1 with JSON bodies and, when given, a bearer token."""

    def __init__(self, client=None, token=None):
        self.client = client or Client()
        self.token = token

    def call(self, method, path, data=None, *, raw=None, **extra):
        kwargs = {}
        if method != "get":
            body = raw if raw is not None else "" if data is None else json.dumps(data)
            kwargs = {"data": body, "content_type": "application/json"}
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return getattr(self.client, method)("/api/v1" + path, **kwargs, **extra)

    def get(self, path, **extra):
        return self.call("get", path, **extra)

    def post(self, path, data=None, **extra):
        return self.call("post", path, data, **extra)

    def patch(self, path, data=None, **extra):
        return self.call("patch", path, data, **extra)

    def put(self, path, data=None, **extra):
        return self.call("put", path, data, **extra)

    def delete(self, path, **extra):
        return self.call("delete", path, **extra)


def api_for(user=None, scope=TokenScope.WRITE) -> Api:
    if user is None:
        return Api()
    _token, raw = ApiToken.issue(user, name="tests", scope=scope)
    return Api(token=raw)


@pytest.fixture
def anon():
    return Api()


@pytest.fixture
def as_user():
    return api_for


@pytest.fixture
def secret_community(db, owner):
    community = CommunityFactory(
        name="Hidden Circle", slug="hidden-circle", visibility="secret", join_policy="invitation"
    )
    MembershipFactory(community=community, user=owner, role="owner")
    return community


@pytest.fixture
def private_community(db, owner):
    community = CommunityFactory(
        name="Quiet Guild",
        slug="quiet-guild",
        visibility="private",
        join_policy="request",
        purpose="Private purpose.",
        values="Private values.",
    )
    MembershipFactory(community=community, user=owner, role="owner")
    return community
