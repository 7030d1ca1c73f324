"""What of someone's reputation a viewer may see, and the leaderboards.

Privacy rules, in one place:
- A profile's reputation is shown only to those who may see the profile
  (`koinon.accounts.policy`), and only for communities whose content the viewer may
  read: points earned in a private or secret community stay with its members. The
  total a viewer sees is the sum of those communities plus endorsements (which belong
  to no community); the person sees their own full total.
- A leaderboard lists only people whose profile the viewer may see, in a community
  whose content the viewer may read.
- Anonymous posts never earn reputation (see `ledger`), so nothing here can point
  at their authors.
"""

from django.db.models import OuterRef, Subquery, Sum

from koinon.accounts.policy import visible_people_for
from koinon.communities.policy import content_communities_for
from koinon.reputation.models import Level, ReputationScore, TrustLevel

TOP = 5


def readable_community_ids(viewer, person) -> set[int] | None:
    """The communities whose reputation `viewer` may see on `person` (None: all)."""
    if viewer and viewer.is_authenticated and viewer.pk == person.pk:
        return None
    return set(content_communities_for(viewer).values_list("pk", flat=True))


def person_summary(viewer, person, top: int = TOP) -> dict:
    """Trust level, the visible total, and the communities and tags it was earned in.

    Four queries. The caller has already checked that `viewer` may see `person`.
    """
    readable = readable_community_ids(viewer, person)
    rows = list(
        ReputationScore.objects.filter(user=person, tag__isnull=True).select_related("community")
    )
    overall = next((r.points for r in rows if r.community_id is None), 0)
    per_community = [r for r in rows if r.community_id is not None]
    earned_in_communities = sum(r.points for r in per_community)
    shown = [r for r in per_community if readable is None or r.community_id in readable]
    shown.sort(key=lambda r: (-r.points, r.community.name))
    endorsements = overall - earned_in_communities
    total = overall if readable is None else endorsements + sum(r.points for r in shown)
    tags = ReputationScore.objects.filter(user=person, tag__isnull=False)
    if readable is not None:
        tags = tags.filter(community_id__in=readable)
    top_tags = list(
        tags.values("tag__name")
        .annotate(points=Sum("points"))
        .order_by("-points", "tag__name")[:top]
    )
    trust = TrustLevel.objects.filter(user=person).first()
    level = trust.level if trust else Level.NEW
    return {
        "total": total,
        "endorsements": endorsements,
        "communities": [
            {"community": r.community, "points": r.points} for r in shown[:top] if r.points
        ],
        "tags": [{"name": t["tag__name"], "points": t["points"]} for t in top_tags if t["points"]],
        "level": level,
        "level_label": Level(level).label,
        "is_me": readable is None,
    }


def leaderboard(viewer, community, tag=None):
    """People by reputation in `community` (or in one of its tags), best first."""
    scores = ReputationScore.objects.filter(community=community, points__gt=0)
    scores = scores.filter(tag=tag) if tag is not None else scores.filter(tag__isnull=True)
    visible = visible_people_for(viewer).values("pk")
    return (
        scores.filter(user__in=visible)
        .select_related("user__profile")
        .order_by("-points", "user_id")
    )


def community_tags(community, limit: int = 30):
    """The tags with the most reputation earned in `community` (for the filter)."""
    from koinon.discussions.models import Tag

    ids = (
        ReputationScore.objects.filter(community=community, tag__isnull=False, points__gt=0)
        .values("tag_id")
        .annotate(total=Sum("points"))
        .order_by("-total")
        .values_list("tag_id", flat=True)[:limit]
    )
    return list(Tag.objects.filter(pk__in=list(ids)).order_by("name"))


def named_authors(posts) -> list[int]:
    """The authors of `posts` who show their name (anonymous posts are skipped)."""
    return sorted(
        {
            p.author_id
            for p in posts
            if p is not None
            and p.author_id
            and not p.is_anonymous
            and getattr(p, "shows_author", True)
        }
    )


def badges_for(posts, community) -> dict[int, dict]:
    """{author id: {"points", "level", "label"}} for the named authors of `posts`:
    one query for a whole page, whatever its size."""
    ids = named_authors(posts)
    if not ids:
        return {}
    from koinon.accounts.models import User

    in_community = ReputationScore.objects.filter(
        user=OuterRef("pk"), community=community, tag__isnull=True
    ).values("points")[:1]
    rows = User.objects.filter(pk__in=ids).values_list(
        "pk", "trust__computed", "trust__override", Subquery(in_community)
    )
    badges = {}
    for pk, computed, override, points in rows:
        level = override if override is not None else computed
        badges[pk] = {
            "points": points or 0,
            "level": level,
            "label": Level(level).label if level is not None else "",
        }
    return badges
