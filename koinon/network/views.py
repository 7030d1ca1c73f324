"""Network pages: my network, a person's network, connect, follow, endorse, directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.accounts.models import Skill
from koinon.accounts.policy import get_person_for
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.network import actions, queries
from koinon.network import directory as people
from koinon.network.forms import DirectoryForm
from koinon.network.models import Connection
from koinon.network.templatetags.network import endorsements_context, person_actions_context

PEOPLE_PER_PAGE = 30
MORE_FILTERS = ("expertise", "sector", "language", "place", "open_to")


def _back(request, person):
    url = request.POST.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return redirect(url)
    return redirect("network-person", person.pk)


def _answer(request, person, do, success: str, partial: str = "actions"):
    """Run `do()`; HTMX gets the refreshed buttons, others a message and a redirect."""
    error = None
    try:
        do()
    except ActionError as exc:
        error = exc
    if is_htmx(request):
        if partial == "endorsements":
            template = "network/partials/endorsements.html"
            context = endorsements_context(request.user, person)
        else:
            template = "network/partials/person_actions.html"
            context = person_actions_context(request.user, person)
        context.update(error=error, request=request, user=request.user)
        return render(request, template, context, status=error.status if error else 200)
    if error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return _back(request, person)


@login_required
def my_network(request):
    user = request.user
    context = {
        "incoming": queries.incoming_requests(user),
        "outgoing": queries.outgoing_requests(user),
        "page": paginate(request, queries.connections_of(user, user), PEOPLE_PER_PAGE),
        "suggestions": queries.suggestions(user),
        "counts": queries.follow_counts(user),
    }
    return render(request, "network/my_network.html", context)


def person_network(request, pk):
    person = get_person_for(request.user, pk)
    context = {
        "person": person,
        "page": paginate(request, queries.connections_of(person, request.user), PEOPLE_PER_PAGE),
        "counts": queries.follow_counts(person),
        "is_me": request.user.pk == person.pk,
    }
    return render(request, "network/person_network.html", context)


@login_required
@require_POST
def connect(request, pk):
    person = get_person_for(request.user, pk)
    message = request.POST.get("message", "")
    return _answer(
        request,
        person,
        lambda: actions.do_request_connection(request.user, person, message=message),
        _("Request sent to %(name)s.") % {"name": person.display_name},
    )


@login_required
@require_POST
def disconnect(request, pk):
    person = get_person_for(request.user, pk)
    return _answer(
        request,
        person,
        lambda: actions.do_remove_connection(request.user, person),
        _("You are no longer connected with %(name)s.") % {"name": person.display_name},
    )


@login_required
@require_POST
def answer_request(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise Http404
    connection = Connection.objects.filter(pk=pk).select_related("requested_by__profile").first()
    if connection is None or request.user.pk not in (connection.low_id, connection.high_id):
        raise Http404
    do = actions.do_accept_connection if answer == "accept" else actions.do_decline_connection
    try:
        do(request.user, connection)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        name = connection.requested_by.display_name
        if answer == "accept":
            messages.success(request, _("You are now connected with %(name)s.") % {"name": name})
        else:
            messages.success(request, _("Request declined."))
    return redirect("network-mine")


@login_required
@require_POST
def follow(request, pk):
    person = get_person_for(request.user, pk)
    return _answer(
        request,
        person,
        lambda: actions.do_follow(request.user, person),
        _("You follow %(name)s.") % {"name": person.display_name},
    )


@login_required
@require_POST
def unfollow(request, pk):
    person = get_person_for(request.user, pk)
    return _answer(
        request,
        person,
        lambda: actions.do_unfollow(request.user, person),
        _("You no longer follow %(name)s.") % {"name": person.display_name},
    )


@login_required
@require_POST
def endorse(request, pk, skill_id):
    person = get_person_for(request.user, pk)
    skill = get_object_or_404(Skill, pk=skill_id)
    if request.POST.get("withdraw") == "1":
        do = lambda: actions.do_withdraw_endorsement(request.user, person, skill)  # noqa: E731
        done = _("Endorsement withdrawn.")
    else:
        do = lambda: actions.do_endorse_skill(request.user, person, skill)  # noqa: E731
        done = _("You endorsed %(name)s for %(skill)s.") % {
            "name": person.display_name,
            "skill": skill.name,
        }
    return _answer(request, person, do, done, partial="endorsements")


@login_required
def directory(request):
    form = DirectoryForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = 400 if form.errors else 200
    page = paginate(request, people.search(request.user, filters), PEOPLE_PER_PAGE)
    rows = people.decorate(request.user, list(page.object_list))
    more = any(request.GET.get(name) for name in MORE_FILTERS)
    context = {"form": form, "page": page, "rows": rows, "more_filters": more or form.errors}
    template = "network/partials/people_rows.html" if is_htmx(request) else "network/directory.html"
    return render(request, template, context, status=status)
