"""Who may see, create, edit and register for events.

Events are community content: whoever may read the community's content sees them
(public communities: everyone; private and secret: members only, 404 for others).
Members register; mentors and moderators create events, group leaders create them in
their group; moderators and an event's hosts edit it and see its registrations.
"""

from django.http import Http404

from koinon.communities.models import GroupRole
from koinon.communities.policy import MENTOR_RANK, access_for
from koinon.events.models import Event


def can_view(access) -> bool:
    return access.can("view_content")


def can_create(access, group=None) -> bool:
    if access.rank >= MENTOR_RANK:
        return True
    return group is not None and access.group_role(group) == GroupRole.LEADER


def is_host(access, event) -> bool:
    user = access.user
    if not (user and user.is_authenticated):
        return False
    hosts = getattr(event, "_host_ids", None)
    if hosts is None:
        hosts = event._host_ids = set(event.hosts.values_list("pk", flat=True))
    return user.pk in hosts


def can_manage(access, event) -> bool:
    """Edit, cancel, see and export the registrations."""
    return access.is_moderator or is_host(access, event)


def can_register(access) -> bool:
    return access.is_member


def get_event_for(user, event_id: int, slug: str | None = None):
    """The event and the reader's community access; 404 for what they may not see."""
    event = Event.objects.select_related("community", "group", "series").filter(pk=event_id).first()
    if event is None or (slug is not None and event.community.slug != slug):
        raise Http404
    access = access_for(user, event.community)
    if not can_view(access):
        raise Http404
    return event, access
