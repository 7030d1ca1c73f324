"""Poll pages: add a poll to a topic, vote (HTMX), withdraw, close."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from koinon.communities.policy import access_for
from koinon.discussions import policy as discussions
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx
from koinon.polls import actions, policy
from koinon.polls.forms import PollForm
from koinon.polls.models import Poll


def poll_context(poll, access, user, error=None) -> dict:
    results = actions.results(poll, user)
    return {
        "poll": poll,
        "results": results,
        "voters": actions.voters_of(poll),
        "is_closed": poll.is_closed(),
        "can_vote": policy.can_vote(access, poll),
        "can_manage": policy.can_manage(access, poll.topic) and not poll.is_closed(),
        "poll_error": error,
    }


def _poll_for(request, poll_id):
    poll = get_object_or_404(Poll.objects.select_related("topic__community"), pk=poll_id)
    access = access_for(request.user, poll.topic.community)
    if not policy.can_read(access, poll.topic):
        raise Http404
    return poll, access


def _respond(request, poll, access, error=None):
    if not is_htmx(request) and error is None:
        return redirect(poll.get_absolute_url())
    context = poll_context(poll, access, request.user, error)
    status = error.status if error else 200
    return render(request, "polls/partials/poll.html", context, status=status)


@require_POST
def poll_vote(request, poll_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    poll, access = _poll_for(request, poll_id)
    try:
        if request.POST.get("undo") == "1":
            actions.do_withdraw_vote(request.user, poll)
        else:
            actions.do_vote(request.user, poll, request.POST.getlist("option"))
    except ActionError as error:
        return _respond(request, poll, access, error)
    return _respond(request, poll, access)


@require_POST
def poll_close(request, poll_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    poll, access = _poll_for(request, poll_id)
    try:
        actions.do_close_poll(request.user, poll)
    except ActionError as error:
        return _respond(request, poll, access, error)
    return _respond(request, poll, access)


@login_required
def poll_create(request, slug, topic_id):
    topic, access = discussions.get_topic_for(request.user, slug, topic_id)
    if not policy.can_manage(access, topic):
        raise PermissionDenied
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_create_poll(request.user, topic, **form.action_kwargs())
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            return redirect(f"{topic.get_absolute_url()}#poll")
    context = {"topic": topic, "community": topic.community, "form": form}
    status = 400 if form.errors else 200
    return render(request, "polls/poll_form.html", context, status=status)
