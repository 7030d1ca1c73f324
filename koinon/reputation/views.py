"""The per-community "top contributors" page, with a filter by tag."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from koinon.communities.policy import get_community_for
from koinon.discussions.models import Tag
from koinon.lib.http import paginate
from koinon.reputation import queries
from koinon.reputation.models import Level, TrustLevel

PER_PAGE = 30


def leaderboard(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can("view_members"):
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path())
    name = request.GET.get("tag", "").strip().lower()
    tag = Tag.objects.filter(name=name).first() if name else None
    unknown_tag = bool(name) and tag is None
    scores = queries.leaderboard(request.user, community, tag)
    page = paginate(request, scores.none() if unknown_tag else scores, PER_PAGE)
    rows = list(page)
    levels = {
        t.user_id: t.level for t in TrustLevel.objects.filter(user_id__in=[r.user_id for r in rows])
    }
    for rank, row in enumerate(rows, start=page.start_index()):
        row.rank = rank
        level = levels.get(row.user_id)
        row.level_label = Level(level).label if level is not None else ""
    context = {
        "community": community,
        "page": page,
        "rows": rows,
        "tag": tag,
        "tag_name": name,
        "unknown_tag": unknown_tag,
        "tags": queries.community_tags(community),
        "query": f"tag={tag.name}" if tag else "",
    }
    return render(request, "reputation/leaderboard.html", context)
