"""Who may see and do what in programmes and cohorts, on top of the communities policy.

Programmes and cohorts are community content: readers of the community's content see
them (private and secret communities answer 404 to everyone else). Mentors, moderators
and owners create programmes; a programme's facilitators and the community's
moderators run its cohorts. Hand-ins are seen by their author, the facilitators and the
peers assigned to review them. A cohort's discussion space is for its participants
and facilitators only.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from koinon.communities.policy import Access, access_for, get_community_for
from koinon.learning.models import SEATED, Cohort, Enrolment, HandIn, PeerReview, Programme


def can_read(access: Access) -> bool:
    return access.can("view_content")


def can_create_programme(access: Access) -> bool:
    return access.can("create_group")


def is_facilitator(access: Access, programme: Programme) -> bool:
    if not access.user.is_authenticated:
        return False
    cached = getattr(programme, "_facilitator_ids", None)
    if cached is None:
        cached = programme._facilitator_ids = set(
            programme.facilitators.values_list("pk", flat=True)
        )
    return access.user.pk in cached


def can_facilitate(access: Access, programme: Programme) -> bool:
    """Edit the programme, run its cohorts, see progress, give feedback, mark completion."""
    return access.is_member and (access.is_moderator or is_facilitator(access, programme))


def enrolment_of(user, cohort: Cohort) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(cohort=cohort, user=user).first()


def can_discuss(access: Access, cohort: Cohort) -> bool:
    """Read and write the cohort's discussion space: its participants (enrolled or
    completed) and facilitators, and the community's moderators."""
    user = access.user
    if not user.is_authenticated or not access.is_member:
        return False
    if can_facilitate(access, cohort.programme):
        return True
    return Enrolment.objects.filter(cohort=cohort, user=user, status__in=SEATED).exists()


def can_see_hand_in(access: Access, hand_in: HandIn, programme: Programme) -> bool:
    user = access.user
    if not user.is_authenticated or not access.is_member:
        return False
    if hand_in.enrolment.user_id == user.pk or can_facilitate(access, programme):
        return True
    return PeerReview.objects.filter(hand_in=hand_in, reviewer=user).exists()


# --- Fetch and authorise -----------------------------------------------------------------


def get_programme_for(user, slug: str, programme_slug: str):
    community, access = get_community_for(user, slug)
    if not can_read(access):
        raise Http404
    programme = Programme.objects.filter(community=community, slug=programme_slug).first()
    if programme is None:
        raise Http404
    return programme, access


def get_programme_by_id_for(user, programme_id: int):
    programme = Programme.objects.select_related("community").filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    access = access_for(user, programme.community)
    if not access.can("view") or not can_read(access):
        raise Http404
    return programme, access


def get_cohort_for(user, cohort_id: int, *, facilitate: bool = False):
    cohort = (
        Cohort.objects.select_related("programme__community", "group").filter(pk=cohort_id).first()
    )
    if cohort is None:
        raise Http404
    access = access_for(user, cohort.programme.community)
    if not access.can("view") or not can_read(access):
        raise Http404
    if facilitate and not can_facilitate(access, cohort.programme):
        raise PermissionDenied
    return cohort, access
