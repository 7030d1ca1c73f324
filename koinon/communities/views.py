from django.db.models import Count
from django.shortcuts import render

from koinon.communities import policy


def home(request):
    mine = []
    if request.user.is_authenticated:
        mine = policy.visible_communities_for(request.user).filter(memberships__user=request.user)
    return render(request, "communities/home.html", {"mine": mine})


def community_list(request):
    communities = policy.visible_communities_for(request.user).annotate(
        member_count=Count("memberships")
    )
    return render(request, "communities/community_list.html", {"communities": communities})


def community_detail(request, slug):
    community, access = policy.get_community_for(request.user, slug)
    return render(
        request, "communities/community_detail.html", {"community": community, "access": access}
    )
