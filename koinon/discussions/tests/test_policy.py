import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from koinon.communities.models import Visibility
from koinon.communities.policy import access_for
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import policy
from koinon.discussions.tests.factories import make_question, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_topic(member):
    community = CommunityFactory(slug="hidden", visibility=Visibility.PRIVATE)
    MembershipFactory(community=community, user=member)
    return make_topic(member, community, title="Private matters")


@pytest.fixture
def secret_topic(member):
    community = CommunityFactory(slug="secret", visibility=Visibility.SECRET)
    MembershipFactory(community=community, user=member)
    return make_topic(member, community, title="Secret matters")


def test_public_topics_are_visible_to_everyone(community, member, outsider, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    topic = make_topic(member, community)
    assert topic in policy.visible_topics_for(outsider)
    assert topic in policy.visible_topics_for(AnonymousUser())


@pytest.mark.parametrize("which", ["private_topic", "secret_topic"])
def test_outsider_sees_no_private_or_secret_topic(request, which, outsider):
    topic = request.getfixturevalue(which)
    assert topic not in policy.visible_topics_for(outsider)
    with pytest.raises(Http404):
        policy.get_topic_for(outsider, topic.community.slug, topic.pk)
    with pytest.raises(Http404):
        policy.get_post_for(outsider, topic.posts.get().pk)


@pytest.mark.parametrize("which", ["private_topic", "secret_topic"])
def test_member_sees_private_and_secret_topics(request, which, member):
    topic = request.getfixturevalue(which)
    assert topic in policy.visible_topics_for(member)
    assert policy.get_topic_for(member, topic.community.slug, topic.pk)[0] == topic


def test_topic_under_the_wrong_community_is_404(community, member, private_topic):
    with pytest.raises(Http404):
        policy.get_topic_for(member, community.slug, private_topic.pk)


def test_outsider_may_read_but_not_reply(community, member, outsider):
    topic = make_topic(member, community)
    with pytest.raises(PermissionDenied):
        policy.get_topic_for(outsider, "pm", topic.pk, "reply")


def test_edit_rights(community, member, mentor, moderator):
    post = make_reply(member, make_topic(member, community))
    assert policy.can(access_for(member, community), "edit_post", post)
    assert not policy.can(access_for(mentor, community), "edit_post", post)
    assert policy.can(access_for(moderator, community), "edit_post", post)


def test_accept_rights(community, member, mentor, moderator):
    topic = make_question(member, community)
    assert policy.can(access_for(member, community), "accept", topic)
    assert not policy.can(access_for(mentor, community), "accept", topic)
    assert policy.can(access_for(moderator, community), "accept", topic)


def test_author_label_hides_anonymous_authors(community, member):
    community.allow_anonymous = True
    community.save()
    topic = make_question(member, community, is_anonymous=True)
    with translation.override("en"):
        assert policy.author_label(topic) == "Anonymous member"
    assert policy.author_label(make_reply(member, topic)) == "Mia"
