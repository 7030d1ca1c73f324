"""Who may see, publish, answer and close opportunities.

Built on the community policy: an opportunity is community content, so whoever may
read the community's content may read its live opportunities (public communities:
everyone, signed in or not; private and secret ones: members only, 404 for anyone
else). The platform-wide list shows the live opportunities of every public community,
plus those of the reader's own communities.

Members publish (in a group: its members, or the community's moderators); a project's
leads (and moderators) publish its call for partners. The author edits and closes; the
community's moderators may close too. Closed and expired opportunities leave every
list; their page stays readable for the author, the moderators and the people who said
they were interested (the conversation links to it). Anyone signed in who may read a
live opportunity may say "I'm interested", except its author. Only the author sees who
is interested.
"""

from django.db.models import Subquery
from django.http import Http404

from koinon.communities.policy import Access, access_for, content_communities_for
from koinon.opportunities.models import Interest, Opportunity


def _user_id(access: Access):
    user = access.user
    return user.pk if user is not None and user.is_authenticated else None


def can_read_community(access: Access) -> bool:
    return access.can("view_content")


def can_create(access: Access, group=None) -> bool:
    if not access.is_member:
        return False
    if group is None or access.is_moderator:
        return True
    return access.group_role(group) is not None


def is_author(access: Access, opportunity: Opportunity) -> bool:
    uid = _user_id(access)
    return uid is not None and opportunity.author_id == uid


def has_shown_interest(access: Access, opportunity: Opportunity) -> bool:
    uid = _user_id(access)
    if uid is None:
        return False
    cache = opportunity.__dict__.setdefault("_interested", {})
    if uid not in cache:
        cache[uid] = Interest.objects.filter(opportunity=opportunity, user_id=uid).exists()
    return cache[uid]


def can_view(access: Access, opportunity: Opportunity) -> bool:
    if not can_read_community(access):
        return False
    if opportunity.is_live:
        return True
    return (
        is_author(access, opportunity)
        or access.is_moderator
        or has_shown_interest(access, opportunity)
    )


def can_edit(access: Access, opportunity: Opportunity) -> bool:
    return is_author(access, opportunity) and can_read_community(access)


def can_close(access: Access, opportunity: Opportunity) -> bool:
    if opportunity.is_closed:
        return False
    return can_edit(access, opportunity) or access.is_moderator


def can_see_interests(access: Access, opportunity: Opportunity) -> bool:
    return is_author(access, opportunity)


def can_express_interest(access: Access, opportunity: Opportunity) -> bool:
    """Whether the button is offered (the action explains every refusal)."""
    return (
        _user_id(access) is not None
        and not is_author(access, opportunity)
        and opportunity.is_live
        and can_read_community(access)
    )


# --- Lists ------------------------------------------------------------------------


def community_opportunities(access: Access):
    """The live opportunities of one community, for whoever may read its content."""
    if not can_read_community(access):
        return Opportunity.objects.none()
    return Opportunity.objects.live().filter(community=access.community)


def platform_opportunities(user):
    """Live opportunities of every public community, plus the reader's own communities'."""
    readable = content_communities_for(user).values("pk")
    return Opportunity.objects.live().filter(community_id__in=Subquery(readable))


def authored_by(user):
    """Everything `user` published, live or not (their "my opportunities")."""
    if not (user and user.is_authenticated):
        return Opportunity.objects.none()
    return Opportunity.objects.filter(author=user)


# --- Fetch and authorise in one call ----------------------------------------------


def get_opportunity_for(user, opportunity_id: int, slug: str | None = None, *, answering=False):
    """The opportunity and the reader's community access; 404 for what they may not see.

    `answering`: for "I'm interested", anyone who may read the community gets the
    opportunity even when closed or expired, so the action can say so clearly."""
    opportunity = (
        Opportunity.objects.select_related(
            "community", "group", "project__community", "author__profile"
        )
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None or (slug is not None and opportunity.community.slug != slug):
        raise Http404
    access = access_for(user, opportunity.community)
    allowed = can_read_community(access) if answering else can_view(access, opportunity)
    if not allowed:
        raise Http404
    return opportunity, access


__all__ = ["access_for"]
