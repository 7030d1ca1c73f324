from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.urls import reverse


def _seen(user):
    return list(UserSession.objects.filter(user=user).values_list("last_seen_at", flat=True))


def test_a_session_is_tracked_once_and_not_rewritten_on_every_page(client, member, community):
    cache.clear()
    client.force_login(member)
    client.get(reverse("community-detail", args=[community.slug]))
    first = _seen(member)
    assert len(first) == 1  # the session is listed for "log out other sessions"

    client.get(reverse("community-detail", args=[community.slug]))
    assert _seen(member) == first  # no write for a page view within the interval


def test_the_last_seen_time_moves_once_the_interval_has_passed(client, member, community):
    cache.clear()
    client.force_login(member)
    client.get(reverse("community-detail", args=[community.slug]))
    first = _seen(member)
    cache.clear()  # as if the interval had passed
    client.get(reverse("community-detail", args=[community.slug]))
    assert _seen(member)[0] > first[0]
