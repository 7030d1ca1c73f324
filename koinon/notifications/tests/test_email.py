"""Immediate e-mails and the signed one-click unsubscribe (RFC 8058), without logging in."""

import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from koinon.communities import actions as community_actions
from koinon.notifications.mail import DIGESTS, unsubscribe_token
from koinon.notifications.models import Channel, DigestSubscription, Preference


@pytest.fixture
def decision_mail(commit, community, owner, member):
    """A join decision mailed at once to a newcomer: the mail and its reader."""
    from koinon.accounts.tests.factories import UserFactory

    community.join_policy = "request"
    community.save()
    asker = UserFactory(email="nina@example.org", display_name="Nina")
    request = commit(community_actions.do_request_to_join, asker, community, message="Hi")
    mail.outbox.clear()
    commit(community_actions.do_decide_join_request, owner, request, approve=False)
    assert len(mail.outbox) == 1
    return mail.outbox[0], asker


def _link(message) -> str:
    return message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")


def test_the_mail_is_multipart_with_the_unsubscribe_headers(decision_mail):
    message, asker = decision_mail
    assert message.subject == "[Koinon] Your request to join Project Managers was declined"
    assert "Your request to join Project Managers was declined" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<a href=" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _link(message) in message.body


def test_get_shows_a_confirmation_and_changes_nothing(decision_mail):
    message, asker = decision_mail
    response = Client().get(_link(message))
    assert response.status_code == 200
    assert "Answers to my requests to join" in response.content.decode()
    assert not Preference.objects.filter(user=asker).exists()


def test_one_click_post_unsubscribes_without_login_or_csrf(decision_mail):
    message, asker = decision_mail
    client = Client(enforce_csrf_checks=True)
    response = client.post(_link(message), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You will receive no more e-mails about" in response.content.decode()
    assert Preference.objects.get(user=asker, kind="join_decision").channel == Channel.IN_APP


def test_a_forged_link_is_a_clear_400_and_changes_nothing(decision_mail):
    message, asker = decision_mail
    link = _link(message)
    forged = link[:-3] + ("AAA" if not link.endswith("AAA/") else "BBB") + "/"
    response = Client(enforce_csrf_checks=True).post(forged)
    assert response.status_code == 400
    assert "not valid or has expired" in response.content.decode()
    assert not Preference.objects.filter(user=asker).exists()


def test_a_token_signed_for_another_purpose_is_refused(member):
    other = signing.dumps({"u": member.pk, "s": "reply"}, salt="something.else")
    response = Client().post(reverse("notifications-unsubscribe", args=[other]))
    assert response.status_code == 400


def test_an_expired_link_is_refused(member, monkeypatch):
    token = unsubscribe_token(member.pk, "reply")
    later = time.time() + 91 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().post(reverse("notifications-unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not Preference.objects.filter(user=member).exists()


def test_an_unknown_kind_in_a_signed_token_is_refused(member):
    token = unsubscribe_token(member.pk, "gossip")
    assert Client().post(reverse("notifications-unsubscribe", args=[token])).status_code == 400


def test_unsubscribing_from_digests_stops_every_digest(member):
    DigestSubscription.objects.create(user=member, daily=True, weekly=True)
    Preference.objects.create(user=member, kind="mention", channel=Channel.DAILY)
    token = unsubscribe_token(member.pk, DIGESTS)
    response = Client(enforce_csrf_checks=True).post(
        reverse("notifications-unsubscribe", args=[token])
    )
    assert response.status_code == 200
    subscription = DigestSubscription.objects.get(user=member)
    assert (subscription.daily, subscription.weekly) == (False, False)
    assert Preference.objects.get(user=member, kind="mention").channel == Channel.IN_APP


def test_other_methods_are_refused(member):
    token = unsubscribe_token(member.pk, "reply")
    assert Client().put(reverse("notifications-unsubscribe", args=[token])).status_code == 405
