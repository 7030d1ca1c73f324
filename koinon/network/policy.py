"""Who is connected to whom, and who shares a community with whom."""

from django.db.models import Q

from koinon.communities.models import Membership
from koinon.network.models import Connection, ConnectionStatus


def pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def connection_between(a, b) -> Connection | None:
    low, high = pair(a.pk, b.pk)
    return Connection.objects.filter(low_id=low, high_id=high).first()


def are_connected(a, b) -> bool:
    low, high = pair(a.pk, b.pk)
    return Connection.objects.filter(
        low_id=low, high_id=high, status=ConnectionStatus.ACCEPTED
    ).exists()


def connected_ids(user):
    """A values queryset of the ids of `user`'s connections (usable as a subquery)."""
    accepted = Connection.objects.filter(status=ConnectionStatus.ACCEPTED)
    return accepted.filter(Q(low=user) | Q(high=user)).values_list("low_id", "high_id")


def connected_id_set(user) -> set[int]:
    return {uid for row in connected_ids(user) for uid in row} - {user.pk}


def co_member_ids(user):
    """A subquery of the ids of everyone who shares at least one community with `user`."""
    mine = Membership.objects.filter(user=user).values("community_id")
    return Membership.objects.filter(community_id__in=mine).values("user_id")


def shares_community(a, b) -> bool:
    mine = Membership.objects.filter(user=a).values("community_id")
    return Membership.objects.filter(user=b, community_id__in=mine).exists()
