"""'Discuss this practice' opens a topic linked back to it; 'propose as a standard'."""

from django.urls import reverse

from koinon.communities.models import Visibility
from koinon.discussions.models import Topic
from koinon.library.discussion_links import discussions_of, do_discuss_practice
from koinon.library.models import PracticeDiscussion
from koinon.library.tests.factories import make_practice


def url(name, practice):
    return reverse(name, args=[practice.community.slug, practice.slug])


def test_discuss_this_practice_opens_a_linked_topic(client, community, member, mentor):
    practice = make_practice(member, community)
    client.force_login(mentor)
    form = client.get(url("practice-discuss", practice))
    assert form.status_code == 200 and practice.get_absolute_url() in form.content.decode()
    response = client.post(
        url("practice-discuss", practice),
        {"title": "Stand-ups across time zones", "body": "How do you do it?"},
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert PracticeDiscussion.objects.get().topic == topic
    opening = topic.posts.get(is_opening=True)
    assert practice.get_absolute_url() in opening.body_html
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Stand-ups across time zones" in page
    assert f"?practice={practice.pk}" in page  # propose this practice as a standard
    topic_page = client.get(topic.get_absolute_url()).content.decode()
    assert practice.get_absolute_url() in topic_page
    assert reverse("standard-create", args=["pm"]) + f"?topic={topic.pk}" in topic_page


def test_discuss_bad_input_and_outsiders(client, community, member, outsider):
    practice = make_practice(member, community)
    client.force_login(member)
    bad = client.post(url("practice-discuss", practice), {"title": "", "body": ""})
    assert bad.status_code == 400 and not Topic.objects.exists()
    client.force_login(outsider)
    assert client.get(url("practice-discuss", practice)).status_code == 403
    community.visibility = Visibility.SECRET
    community.save()
    assert client.post(url("practice-discuss", practice), {"title": "x"}).status_code == 404


def test_discussions_listed_only_when_visible(community, member, outsider):
    practice = make_practice(member, community)
    do_discuss_practice(member, practice, title="About it", body="")
    assert [t.title for t in discussions_of(practice, member)] == ["About it"]
    community.visibility = Visibility.PRIVATE
    community.save()
    assert discussions_of(practice, outsider) == []
