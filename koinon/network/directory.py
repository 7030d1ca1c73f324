"""The people directory across the viewer's communities.

The base is `visible_people_for(viewer)`: people sharing a community whose
profile is for community members, plus public profiles. Filters only ever
narrow that set, so they cannot reveal a hidden profile.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from koinon.accounts.models import ProfileSkill
from koinon.accounts.policy import visible_people_for
from koinon.communities.models import Membership
from koinon.communities.queries import OPEN_TO_FIELDS
from koinon.network.queries import endorsement_counts


def search(viewer, filters: dict):
    qs = visible_people_for(viewer).exclude(pk=viewer.pk).select_related("profile")
    return qs.filter(_filters(filters)).order_by("profile__display_name", "email")


def _filters(f: dict) -> Q:
    q = Q()
    if f.get("q"):
        text = f["q"].strip()
        q &= (
            Q(profile__display_name__icontains=text)
            | Q(profile__headline__icontains=text)
            | Q(profile__organisation__icontains=text)
        )
    if f.get("skill") or f.get("min_level"):
        held = ProfileSkill.objects.filter(user=OuterRef("pk"), level__gte=f.get("min_level") or 1)
        if f.get("skill"):
            held = held.filter(skill__name__iexact=f["skill"].strip())
        q &= Q(Exists(held))
    if f.get("expertise"):
        q &= Q(profile__expertise_areas__icontains=f["expertise"].strip())
    if f.get("sector"):
        q &= Q(profile__sector__iexact=f["sector"].strip())
    if f.get("language"):
        q &= Q(profile__languages__icontains=f'"{f["language"]}"')
    if f.get("place"):
        place = f["place"].strip()
        q &= Q(profile__city__iexact=place) | Q(profile__country__iexact=place)
    if f.get("open_to") in OPEN_TO_FIELDS:
        q &= Q(**{OPEN_TO_FIELDS[f["open_to"]]: True})
    return q


def decorate(viewer, people: list) -> list[dict]:
    """Rows for a page of people: skills, shared communities, endorsements (3 queries)."""
    ids = [p.pk for p in people]
    skills = defaultdict(list)
    for ps in ProfileSkill.objects.filter(user_id__in=ids).select_related("skill"):
        skills[ps.user_id].append(ps)
    mine = Membership.objects.filter(user=viewer).values("community_id")
    shared = defaultdict(list)
    rows = (
        Membership.objects.filter(user_id__in=ids, community_id__in=mine)
        .select_related("community")
        .order_by("community__name")
    )
    for m in rows:
        shared[m.user_id].append(m.community)
    counts = endorsement_counts(ids)
    return [
        {
            "person": p,
            "skills": skills[p.pk],
            "shared": shared[p.pk],
            "endorsements": counts.get(p.pk, 0),
        }
        for p in people
    ]
