from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.standards import actions
from koinon.standards.models import Amendment, Ballot, SectionComment, Standard
from koinon.standards.tests.factories import make_standard, open_vote, revise


def url(name, standard, *args):
    return reverse(name, args=[standard.community.slug, standard.slug, *args])


def test_list_and_detail(client, community, member):
    standard = make_standard(member, community)
    client.force_login(member)
    listing = client.get(reverse("standard-list", args=["pm"]))
    assert listing.status_code == 200 and "Ethics of consulting" in listing.content.decode()
    page = client.get(standard.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="section-confidentiality"' in html and 'id="section-preamble"' in html
    assert url("standard-amend", standard, "confidentiality") in html


def test_create_from_form_and_bad_input(client, community, member):
    client.force_login(member)
    address = reverse("standard-create", args=["pm"])
    assert client.get(address).status_code == 200
    bad = client.post(address, {"kind": "manifesto", "title": "", "body": ""})
    assert bad.status_code == 400
    response = client.post(
        address, {"kind": "rule", "title": "House rules", "body": "## One\n\nBe kind."}
    )
    standard = Standard.objects.get()
    assert response.status_code == 302 and response["Location"] == standard.get_absolute_url()
    assert standard.kind == "rule"


def test_anonymous_and_outsiders(client, community, member, outsider):
    standard = make_standard(member, community)
    assert client.get(reverse("standard-create", args=["pm"])).status_code == 302
    assert client.post(url("standard-vote", standard)).status_code == 302
    community.visibility = Visibility.SECRET
    community.save()
    client.force_login(outsider)
    for address in (
        standard.get_absolute_url(),
        url("standard-history", standard),
        url("standard-version", standard, 1),
    ):
        assert client.get(address).status_code == 404
    assert (
        client.post(url("standard-comment", standard, "preamble"), {"body": "x"}).status_code == 404
    )


def test_draft_from_a_topic_and_from_a_practice(client, community, member):
    from koinon.discussions.actions import do_create_topic
    from koinon.library.tests.factories import make_practice

    topic = do_create_topic(member, community, title="Gifts from clients", body="May we?")
    client.force_login(member)
    address = reverse("standard-create", args=["pm"])
    page = client.get(address, {"topic": topic.pk})
    assert "Gifts from clients" in page.content.decode()
    client.post(
        address,
        {"kind": "rule", "title": "Gifts", "body": "## Gifts\n\nNo.", "topic": topic.pk},
    )
    assert Standard.objects.get().origin_topic == topic
    practice = make_practice(member, community)
    page = client.get(address, {"practice": practice.pk})
    assert "What I did" in page.content.decode()
    assert client.get(address, {"topic": 999999}).status_code == 404
    assert client.get(address, {"practice": "abc"}).status_code == 404


def test_edit_conflict_shows_both_texts(client, community, member, mentor):
    standard = make_standard(member, community)
    actions.do_add_drafter(member, standard, mentor.email)
    revise(mentor, standard, body=standard.body + "\n\nTheir line.")
    client.force_login(member)
    response = client.post(
        url("standard-edit", standard),
        {
            "kind": "guideline",
            "title": standard.title,
            "body": standard.body + "\n\nMy line.",
            "base_version": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Their line." in html and "My line." in html


def test_comment_amend_decide(client, community, member, mentor):
    standard = make_standard(member, community)
    client.force_login(mentor)
    response = client.post(
        url("standard-comment", standard, "confidentiality"), {"body": "Define data."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#section-confidentiality")
    assert SectionComment.objects.get().section == "confidentiality"
    assert (
        client.post(url("standard-comment", standard, "nowhere"), {"body": "x"}).status_code == 400
    )
    assert (
        client.post(url("standard-comment", standard, "preamble"), {"body": ""}).status_code == 400
    )
    form = client.get(url("standard-amend", standard, "confidentiality"))
    assert "Keep client data private." in form.content.decode()
    assert client.get(url("standard-amend", standard, "nowhere")).status_code == 404
    response = client.post(
        url("standard-amend", standard, "confidentiality"),
        {"text": "## Confidentiality\n\nKeep all data private.", "rationale": "Broader."},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert (
        client.post(
            url("standard-amendment-decide", standard, amendment.pk), {"decision": "accept"}
        ).status_code
        == 403
    )
    client.force_login(member)
    response = client.post(
        url("standard-amendment-decide", standard, amendment.pk), {"decision": "reject"}
    )
    assert response.status_code == 400  # a rejection needs a reason
    client.post(url("standard-amendment-decide", standard, amendment.pk), {"decision": "accept"})
    standard.refresh_from_db()
    assert standard.version == 2 and "Keep all data private." in standard.body


def test_vote_through_the_pages(client, community, member, mentor, owner):
    standard = make_standard(member, community)
    client.force_login(member)
    closes = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        url("standard-vote-open", standard), {"closes_at": closes, "quorum": 101, "threshold": 50}
    )
    assert bad.status_code == 400 and not Ballot.objects.exists()
    response = client.post(
        url("standard-vote-open", standard), {"closes_at": closes, "quorum": 50, "threshold": 60}
    )
    assert response.status_code == 302
    page = client.get(standard.get_absolute_url()).content.decode()
    assert "60 %" in page and 'class="frozen"' in page
    edit = client.get(url("standard-edit", standard))
    assert edit.status_code == 409
    client.post(url("standard-vote", standard), {"choice": "approve"})
    assert client.post(url("standard-vote", standard), {"choice": "object"}).status_code == 409
    assert client.post(url("standard-vote", standard), {"choice": "maybe"}).status_code == 400
    client.force_login(mentor)
    client.post(url("standard-vote", standard), {"choice": "approve", "reason": "Good."})
    assert client.post(url("standard-vote-close", standard)).status_code == 403
    client.force_login(member)
    response = client.post(url("standard-vote-close", standard))
    assert response.status_code == 302 and response["Location"] == url(
        "standard-published", standard
    )
    published = client.get(url("standard-published", standard))
    assert (
        published.status_code == 200 and "Keep client data private." in published.content.decode()
    )
    assert client.post(url("standard-vote", standard), {"choice": "approve"}).status_code == 400


def test_published_page_404_before_ratification_and_superseded_versions(
    client, community, member, mentor
):
    standard = make_standard(member, community)
    client.force_login(member)
    assert client.get(url("standard-published", standard)).status_code == 404
    for _ in range(2):
        ballot = open_vote(member, standard, quorum=1, threshold=1)
        actions.do_vote(mentor, ballot, choice="approve")
        actions.do_close_vote(member, ballot)
        revise(member, standard, body=standard.body + "\n\nMore.")
    page = client.get(url("standard-version", standard, 1))
    assert page.status_code == 200
    history = client.get(url("standard-history", standard), {"a": 1, "b": 3})
    assert history.status_code == 200 and "More." in history.content.decode()
    assert client.get(url("standard-history", standard), {"a": 1, "b": 99}).status_code == 404
    assert client.get(url("standard-history", standard), {"a": "x", "b": 1}).status_code == 400


def test_review_through_the_page(client, community, member):
    standard = make_standard(member, community)
    client.force_login(member)
    today = timezone.localdate()
    bad = client.post(
        url("standard-review", standard),
        {"opens_at": today.isoformat(), "closes_at": (today - timedelta(days=2)).isoformat()},
    )
    assert bad.status_code == 400
    client.post(
        url("standard-review", standard),
        {"opens_at": today.isoformat(), "closes_at": (today + timedelta(days=7)).isoformat()},
    )
    standard.refresh_from_db()
    assert standard.status == "review"


def test_lazy_close_on_read(client, community, member, mentor):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=1, threshold=1)
    actions.do_vote(mentor, ballot, choice="approve")
    end = timezone.now() - timedelta(minutes=1)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=end - timedelta(hours=1), closes_at=end)
    client.force_login(member)
    client.get(standard.get_absolute_url())
    ballot.refresh_from_db()
    assert ballot.result == "ratified"


def _fill(community, member, n):
    for i in range(n):
        standard = make_standard(member, community, title=f"Standard {i}")
        actions.do_comment(member, standard, section="preamble", body="ok")


@pytest.mark.parametrize("name", ["list", "detail"])
def test_queries_are_bounded(client, community, member, mentor, django_assert_num_queries, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n):
        _fill(community, member, n)
        standard = Standard.objects.order_by("-id").first()
        for i in range(n):
            actions.do_comment(mentor, standard, section="confidentiality", body=f"c{i}")
            actions.do_propose_amendment(
                mentor, standard, section="preamble", text=f"Intro {i}", rationale="r"
            )
            revise(member, standard, body=standard.body + f"\n\nline {i}")
        address = (
            reverse("standard-list", args=["pm"]) if name == "list" else standard.get_absolute_url()
        )
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    client.force_login(member)
    small = count(2)
    MembershipFactory.create_batch(3, community=community)
    large = count(25)
    assert large <= small + 1, (small, large)


def test_anonymous_visitors_read_a_public_community_without_buttons(client, community, member):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard)
    page = client.get(standard.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "Keep client data private." in html
    assert url("standard-vote", standard) not in html
    assert url("standard-comment", standard, "preamble") not in html
    assert client.get(reverse("standard-list", args=["pm"])).status_code == 200
    assert client.get(url("standard-history", standard)).status_code == 200
    assert ballot.pk
