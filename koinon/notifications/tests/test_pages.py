"""The bell, the notifications page, mark read, and the settings page."""

import pytest
from django.urls import reverse

from koinon.discussions import actions as talk
from koinon.notifications.models import (
    Channel,
    CommunityMute,
    DigestSubscription,
    Notification,
    Preference,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def replies(commit, community, owner, member):
    """Three replies to Olivia's topic: three unread notifications for her."""
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How do you start?")
    for n in range(3):
        commit(talk.do_reply, member, topic, body=f"Reply {n}")
    return topic


def _own(queries):
    return [q["sql"] for q in queries if "notifications_" in q["sql"]]


def test_the_bell_counts_once_then_keeps_the_count_until_it_changes(
    client, commit, owner, member, replies, django_assert_max_num_queries
):
    client.force_login(owner)
    # The first request records the session, and counts: one COUNT of ours.
    with django_assert_max_num_queries(12) as queries:
        response = client.get(reverse("notifications-bell"), **HTMX)
    assert len(_own(queries)) == 1
    assert 'data-unread="3"' in response.content.decode()
    assert 'hx-trigger="every 30s"' in response.content.decode()
    # Then the count is kept: no query of ours.
    with django_assert_max_num_queries(8) as queries:
        response = client.get(reverse("notifications-bell"), **HTMX)
    assert _own(queries) == []
    assert 'data-unread="3"' in response.content.decode()
    # A new notification, one read, all read: each shows at once.
    commit(talk.do_reply, member, replies, body="A fourth reply")
    assert 'data-unread="4"' in client.get(reverse("notifications-bell"), **HTMX).content.decode()
    first = Notification.objects.filter(recipient=owner).order_by("pk").first()
    client.post(reverse("notification-read", args=[first.pk]))
    assert 'data-unread="3"' in client.get(reverse("notifications-bell"), **HTMX).content.decode()
    client.post(reverse("notifications-read-all"))
    assert "data-unread" not in client.get(reverse("notifications-bell"), **HTMX).content.decode()


def test_every_page_carries_the_bell(client, owner, replies):
    client.force_login(owner)
    response = client.get(reverse("community-list"))
    assert 'id="notification-bell"' in response.content.decode()
    assert 'data-unread="3"' in response.content.decode()


def test_a_signed_out_bell_stops_polling_instead_of_redirecting(client):
    response = client.get(reverse("notifications-bell"), **HTMX)
    assert response.status_code == 286  # HTMX: stop polling
    assert response.content == b""


def test_the_bell_is_never_cached(client, owner):
    client.force_login(owner)
    response = client.get(reverse("notifications-bell"), **HTMX)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_list_is_bounded_and_paginated(
    client, commit, community, owner, member, django_assert_max_num_queries
):
    topic = talk.do_create_topic(owner, community, title="Kick-off", body="How?")
    for n in range(35):
        commit(talk.do_reply, member, topic, body=f"Reply {n}")
    client.force_login(owner)
    client.get(reverse("notifications-bell"), **HTMX)  # the first request records the session
    with django_assert_max_num_queries(12) as queries:
        response = client.get(reverse("notifications"))
    assert len(_own(queries)) == 2  # count and page (the bell's count is kept)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="notification unread"') == 30
    assert "Page 1 of 2" in html
    response = client.get(reverse("notifications") + "?page=2")
    assert response.content.decode().count('class="notification unread"') == 5


def test_mark_one_read_with_htmx_updates_the_item_and_the_bell(client, owner, replies):
    client.force_login(owner)
    notification = Notification.objects.filter(recipient=owner).first()
    response = client.post(reverse("notification-read", args=[notification.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="notification"' in html
    assert 'hx-swap-oob="true"' in html and 'data-unread="2"' in html
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_404(client, owner, member, replies):
    client.force_login(member)
    notification = Notification.objects.filter(recipient=owner).first()
    response = client.post(reverse("notification-read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, owner, replies):
    client.force_login(owner)
    response = client.post(reverse("notifications-read-all"), **HTMX)
    assert response.status_code == 204
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    response = client.get(reverse("notifications") + "?unread=1")
    assert "Nothing unread." in response.content.decode()


def test_mark_read_only_by_post(client, owner, replies):
    client.force_login(owner)
    notification = Notification.objects.filter(recipient=owner).first()
    assert client.get(reverse("notification-read", args=[notification.pk])).status_code == 405


def test_settings_show_defaults_with_digests_unticked(client, member):
    client.force_login(member)
    response = client.get(reverse("notification-settings"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["kind_reply"].value() == Channel.IN_APP
    assert form["kind_invitation"].value() == Channel.EMAIL
    assert form["kind_join_decision"].value() == Channel.EMAIL
    assert form["kind_waitlist_promoted"].value() == Channel.EMAIL
    assert form["daily"].value() is False and form["weekly"].value() is False
    assert "checked" not in str(form["daily"])


def _settings_post(**changes):
    from koinon.notifications.kinds import KINDS

    data = {f"kind_{k.key}": k.default for k in KINDS}
    data.update(changes)
    return data


def test_settings_save_a_kind_digests_and_a_muted_community(client, member, community):
    client.force_login(member)
    data = _settings_post(kind_mention=Channel.DAILY, daily="on", muted=[str(community.pk)])
    response = client.post(reverse("notification-settings"), data)
    assert response.status_code == 302
    assert Preference.objects.get(user=member, kind="mention").channel == Channel.DAILY
    assert not Preference.objects.filter(user=member, kind="reply").exists()  # default
    assert DigestSubscription.objects.get(user=member).daily is True
    assert CommunityMute.objects.filter(user=member, community=community).exists()


def test_settings_refuse_an_unknown_kind_or_channel(client, member):
    client.force_login(member)
    response = client.post(reverse("notification-settings"), _settings_post(kind_gossip="email"))
    assert response.status_code == 400
    assert "Unknown notification kind: gossip" in response.content.decode()
    response = client.post(reverse("notification-settings"), _settings_post(kind_reply="pigeon"))
    assert response.status_code == 400
    assert not Preference.objects.filter(user=member).exists()


def test_a_community_one_is_not_in_cannot_be_muted(client, outsider, community):
    client.force_login(outsider)
    response = client.post(
        reverse("notification-settings"), _settings_post(muted=[str(community.pk)])
    )
    assert response.status_code == 400
    assert not CommunityMute.objects.exists()


def test_the_admin_lists_notifications_and_digest_deliveries(client, owner, replies):
    from koinon.accounts.tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    for path in ("/admin/notifications/notification/", "/admin/notifications/digestdelivery/"):
        assert client.get(path).status_code == 200
