"""Reputation in the API.

- `GET /people/{id}/reputation`: trust level, total, top communities and tags; 404
  for a profile the caller may not see (as `/people/{id}`); only communities whose
  content the caller may read are counted.
- `GET /communities/{slug}/reputation?tag=&page=`: the leaderboard; 404 for a
  community the caller may not see, 403 for one whose members they may not list.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from koinon.accounts.policy import get_person_for
from koinon.api.auth import optional_auth
from koinon.api.schemas import ERRORS, PageOut, paginate
from koinon.communities.policy import get_community_for
from koinon.discussions.models import TAG_MAX_LENGTH, Tag
from koinon.lib.errors import ActionError, Forbidden
from koinon.reputation import queries
from koinon.reputation.models import Level, TrustLevel

router = Router(tags=["reputation"])


class CommunityPoints(Schema):
    slug: str
    name: str
    points: int


class TagPoints(Schema):
    name: str
    points: int


class PersonRef(Schema):
    id: int
    display_name: str


class TrustOut(Schema):
    level: int
    label: str


class ReputationOut(Schema):
    person: PersonRef
    trust_level: TrustOut
    total: int
    endorsements: int
    communities: list[CommunityPoints]
    tags: list[TagPoints]


class LeaderOut(Schema):
    rank: int
    person: PersonRef
    points: int
    trust_level: TrustOut | None


class LeaderPage(PageOut):
    community: str
    tag: str | None
    items: list[LeaderOut]


class LeaderFilters(Schema):
    tag: str = ""
    page: int = 1
    page_size: int = 30


@router.get(
    "/people/{int:user_id}/reputation",
    response={200: ReputationOut, **ERRORS},
    auth=optional_auth,
    summary="A person's reputation and trust level",
)
def person_reputation(request, user_id: int):
    person = get_person_for(request.user, user_id)
    summary = queries.person_summary(request.user, person)
    return {
        "person": {"id": person.pk, "display_name": person.display_name},
        "trust_level": {"level": summary["level"], "label": str(summary["level_label"])},
        "total": summary["total"],
        "endorsements": summary["endorsements"],
        "communities": [
            {"slug": r["community"].slug, "name": r["community"].name, "points": r["points"]}
            for r in summary["communities"]
        ],
        "tags": summary["tags"],
    }


@router.get(
    "/communities/{slug}/reputation",
    response={200: LeaderPage, **ERRORS},
    auth=optional_auth,
    summary="Top contributors of a community, overall or for one tag",
)
def community_reputation(request, slug: str, filters: Query[LeaderFilters]):
    community, access = get_community_for(request.user, slug)
    if not access.can("view_members"):
        raise Forbidden(_("Only members can see who contributes here."))
    name = filters.tag.strip().lower()
    if len(name) > TAG_MAX_LENGTH:
        raise ActionError(_("This is not a tag."), field="tag", code="invalid")
    tag = Tag.objects.filter(name=name).first() if name else None
    scores = queries.leaderboard(request.user, community, tag)
    if name and tag is None:
        scores = scores.none()
    data = paginate(scores, max(1, filters.page), filters.page_size)
    rows = data["items"]
    levels = {
        t.user_id: t.level for t in TrustLevel.objects.filter(user_id__in=[r.user_id for r in rows])
    }
    first = (data["page"] - 1) * data["page_size"] + 1
    data["items"] = [
        {
            "rank": first + i,
            "person": {"id": r.user_id, "display_name": r.user.display_name},
            "points": r.points,
            "trust_level": (
                {"level": levels[r.user_id], "label": str(Level(levels[r.user_id]).label)}
                if r.user_id in levels
                else None
            ),
        }
        for i, r in enumerate(rows)
    ]
    return {**data, "community": community.slug, "tag": tag.name if tag else None}
