import pytest

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.models import JoinRequest


@pytest.fixture
def requester(community):
    """Someone whose request to join the community waits for the moderators."""
    user = UserFactory(email="rita@example.org", display_name="Rita")
    JoinRequest.objects.create(community=community, user=user, message="Hello!")
    return user


@pytest.fixture
def cast(owner, moderator, mentor, member, outsider, requester):
    return {
        "owner": owner,
        "moderator": moderator,
        "mentor": mentor,
        "member": member,
        "outsider": outsider,
        "requester": requester,
    }


@pytest.fixture
def as_user(client):
    """A client signed in as the given person (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
