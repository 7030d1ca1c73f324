from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory


def members(community, n, prefix="p"):
    """`n` members of `community`, quickly."""
    people = []
    for i in range(n):
        user = UserFactory(email=f"{prefix}{i}@example.org", display_name=f"{prefix.title()} {i}")
        MembershipFactory(community=community, user=user)
        people.append(user)
    return people
