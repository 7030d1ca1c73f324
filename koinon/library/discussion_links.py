"""Practices and discussions: "discuss this practice" opens a topic linked back to it.

The topic is started through the discussions action (its policy, limits of length,
activity entry and search index), then linked to the practice; its opening post
links back to the practice's page.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from koinon.core.activity import log_activity
from koinon.discussions.actions import do_create_topic
from koinon.discussions.policy import visible_topics_for
from koinon.library.models import PracticeDiscussion


def opening_text(practice, request=None) -> str:
    return _("About the practice [%(title)s](%(url)s) (version %(n)s):") % {
        "title": practice.title.replace("]", ")").replace("[", "("),
        "url": practice.get_absolute_url(),
        "n": practice.version,
    }


@transaction.atomic
def do_discuss_practice(actor, practice, *, title: str, body: str):
    """Open a topic about `practice` (members) and link it to the practice."""
    body = (body or "").strip()
    link = opening_text(practice)
    if practice.get_absolute_url() not in body:
        body = f"{link}\n\n{body}" if body else link
    topic = do_create_topic(actor, practice.community, title=title, body=body)
    PracticeDiscussion.objects.create(practice=practice, topic=topic, created_by=actor)
    log_activity(
        actor,
        "practice.discussion_started",
        community=practice.community,
        target=practice,
        topic_id=topic.pk,
    )
    return topic


def discussions_of(practice, user, limit=20) -> list:
    """The topics opened from `practice` that `user` may read, newest first."""
    return list(
        visible_topics_for(user)
        .filter(practice_links__practice=practice)
        .select_related("community")
        .order_by("-created_at", "-id")[:limit]
    )


def practices_of(topic, limit=10) -> list:
    """The practices a topic discusses (they live in the topic's community)."""
    return [
        link.practice
        for link in PracticeDiscussion.objects.filter(topic=topic)
        .select_related("practice__community")
        .order_by("id")[:limit]
    ]


def discuss_form_class():
    from django import forms
    from django.utils.translation import gettext_lazy

    from koinon.discussions.models import TITLE_MAX_LENGTH

    class DiscussPracticeForm(forms.Form):
        title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX_LENGTH)
        body = forms.CharField(
            label=gettext_lazy("What would you like to discuss?"),
            max_length=20_000,
            widget=forms.Textarea(attrs={"rows": 8}),
            help_text=gettext_lazy("The topic links back to the practice."),
        )

    return DiscussPracticeForm
