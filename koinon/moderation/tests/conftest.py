import pytest


@pytest.fixture
def flaggers(community):
    """Three ordinary members, enough flags to hide a post by default."""
    from koinon.accounts.tests.factories import UserFactory
    from koinon.communities.tests.factories import MembershipFactory

    people = []
    for n in range(3):
        user = UserFactory(email=f"flagger{n}@example.org", display_name=f"Flagger {n}")
        MembershipFactory(community=community, user=user, role="member")
        people.append(user)
    return people


@pytest.fixture
def topic(community, member):
    from koinon.discussions.tests.factories import make_topic

    return make_topic(member, community, title="Budget planning for small teams")


@pytest.fixture
def reply(topic, mentor):
    from koinon.discussions.tests.factories import make_reply

    return make_reply(mentor, topic, body="Buy cheap pills at spam dot example")
