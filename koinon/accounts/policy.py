"""Who may see a person's profile."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from koinon.accounts.models import ProfileVisibility, User
from koinon.communities.models import Membership


def _shares_community(viewer):
    mine = Membership.objects.filter(user=viewer).values("community_id")
    return Exists(Membership.objects.filter(user=OuterRef("pk"), community_id__in=mine))


def visible_people_for(viewer):
    """People whose profile `viewer` may open."""
    qs = User.objects.filter(is_active=True, erased_at__isnull=True)
    everyone = Q(profile__visibility=ProfileVisibility.EVERYONE)
    if not (viewer and viewer.is_authenticated):
        return qs.filter(everyone)
    shared = Q(profile__visibility=ProfileVisibility.COMMUNITIES) & Q(_shares_community(viewer))
    return qs.filter(everyone | shared | Q(pk=viewer.pk))


def can_see_profile(viewer, person) -> bool:
    return visible_people_for(viewer).filter(pk=person.pk).exists()


def get_person_for(viewer, user_id: int) -> User:
    person = visible_people_for(viewer).select_related("profile").filter(pk=user_id).first()
    if person is None:
        raise Http404
    return person
