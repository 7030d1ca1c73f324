from django import template

from koinon.lib.page_cache import remembered_for
from koinon.polls import policy
from koinon.polls.models import Poll
from koinon.polls.views import poll_context

register = template.Library()


@register.inclusion_tag("polls/partials/topic_poll.html", takes_context=True)
def topic_poll(context, topic, access):
    """The topic's poll with its results, or a link to add one for its author and moderators."""
    request = context.get("request")
    # The same for every reader (their votes are read apart): kept, not asked each view.
    poll = remembered_for(topic, "poll", Poll.objects.filter(topic=topic).first)
    data = {"request": request, "topic": topic, "community": topic.community, "poll": poll}
    if poll is None:
        data["can_add"] = policy.can_manage(access, topic) and not topic.archived
        return data
    poll.topic = topic
    data.update(poll_context(poll, access, request.user if request else None))
    return data
