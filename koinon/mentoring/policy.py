"""Who may see mentoring offers, requests and mentorships.

Offers and requests are seen only by people who share a community with their
author: one scoped to a community by that community's members, a platform-wide
one by anyone who shares at least one community with the author. A mentorship,
its goals, session notes and feedback are for the pair alone (moderators included:
they never see them).
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from koinon.communities.models import Membership
from koinon.communities.policy import MENTOR_RANK, access_for, member_community_ids
from koinon.mentoring.models import MentoringOffer, MentoringRequest, Mentorship


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _shared_scope(user, author_field: str) -> Q:
    """Rows scoped to one of `user`'s communities, or platform-wide by someone who shares one."""
    mine = member_community_ids(user)
    author_shares = Membership.objects.filter(user=OuterRef(author_field), community_id__in=mine)
    return (
        Q(**{author_field: user.pk})
        | Q(community_id__in=mine)
        | Q(Q(community__isnull=True) & Q(Exists(author_shares)))
    )


def visible_offers_for(user):
    if not _authenticated(user):
        return MentoringOffer.objects.none()
    return MentoringOffer.objects.filter(_shared_scope(user, "mentor_id"))


def visible_requests_for(user):
    if not _authenticated(user):
        return MentoringRequest.objects.none()
    return MentoringRequest.objects.filter(_shared_scope(user, "mentee_id"))


def mentorships_for(user):
    if not _authenticated(user):
        return Mentorship.objects.none()
    return Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))


def get_offer_for(user, offer_id: int) -> MentoringOffer:
    offer = visible_offers_for(user).select_related("mentor__profile", "community")
    offer = offer.filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


def get_request_for(user, request_id: int) -> MentoringRequest:
    found = visible_requests_for(user).select_related("mentee__profile", "community")
    found = found.filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def get_mentorship_for(user, mentorship_id: int) -> Mentorship:
    """The mentorship, for its mentor or mentee only; 404 for everyone else."""
    found = mentorships_for(user).select_related(
        "mentor__profile", "mentee__profile", "offer__community", "request"
    )
    found = found.filter(pk=mentorship_id).first()
    if found is None:
        raise Http404
    return found


def can_pair_in(user, community) -> bool:
    """Community mentors, moderators and owners may pair people by hand."""
    return _authenticated(user) and access_for(user, community).rank >= MENTOR_RANK


def shares_a_community(user, other) -> bool:
    mine = member_community_ids(user)
    return Membership.objects.filter(user=other, community_id__in=mine).exists()
