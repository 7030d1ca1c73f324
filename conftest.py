"""Settings every test shares: fast hashing, immediate tasks, mail kept in memory, an
empty cache."""

import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.PAGE_CACHE_SECONDS = 0  # tests of the page cache turn it on
    # Kept as with Redis (one process here): every test checks they follow each change.
    settings.SEARCH_CACHE_SECONDS = 300
    settings.PERSON_COUNTS_SECONDS = 600
    # Rate limits, kept counts and fragments start afresh: ids come back in a new test.
    cache.clear()
    yield
    cache.clear()


# --- The cast: one community and a person in each role, plus an outsider. -------


@pytest.fixture
def community(db):
    from koinon.communities.tests.factories import CommunityFactory

    return CommunityFactory(name="Project Managers", slug="pm")


def _member(community, role, name):
    from koinon.accounts.tests.factories import UserFactory
    from koinon.communities.tests.factories import MembershipFactory

    user = UserFactory(email=f"{name}@example.org", display_name=name.title())
    MembershipFactory(community=community, user=user, role=role)
    return user


@pytest.fixture
def owner(community):
    return _member(community, "owner", "olivia")


@pytest.fixture
def moderator(community):
    return _member(community, "moderator", "marco")


@pytest.fixture
def mentor(community):
    return _member(community, "mentor", "martina")


@pytest.fixture
def member(community):
    return _member(community, "member", "mia")


@pytest.fixture
def outsider(db):
    from koinon.accounts.tests.factories import UserFactory

    return UserFactory(email="otto@example.org", display_name="Otto")


@pytest.fixture
def in_english(client, settings):
    """Pages, messages and the test client in English (`usefixtures("in_english")`)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
