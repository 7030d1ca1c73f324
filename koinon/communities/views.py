"""Community pages: home, discover, create/edit, the community page, join and leave."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities import actions, policy, queries
from koinon.communities.forms import (
    LANGUAGE_NAMES,
    CommunityForm,
    DiscoverForm,
    JoinForm,
    RequestJoinForm,
    TransferForm,
)
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate

HOME_DISCOVER_LIMIT = 12


def community_view(action: str = "view"):
    """Fetch the community and check `action`: 404 if unseen, 403 if forbidden.

    A visitor who is not signed in is sent to log in instead of a bare 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            try:
                community, access = policy.get_community_for(request.user, slug, action)
            except PermissionDenied:
                if request.user.is_authenticated:
                    raise
                return redirect_to_login(request.get_full_path())
            return view(request, community, access, *args, **kwargs)

        return wrapper

    return decorator


def error_page(request, error: ActionError, back_url: str):
    """A refused action: the reason, a way back, and the error's 4xx status."""
    return render(
        request,
        "communities/action_error.html",
        {"error": error, "back_url": back_url},
        status=error.status,
    )


def form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# --- Home and discover ------------------------------------------------------------


def _discover(request):
    form = DiscoverForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, queries.discover(request.user, **filters)


def home(request):
    form, communities = _discover(request)
    context = {"form": form, "communities": communities[:HOME_DISCOVER_LIMIT]}
    if request.user.is_authenticated:
        context["memberships"] = queries.my_memberships(request.user)
        context["invitations"] = queries.pending_invitations_for(request.user)
    if is_htmx(request):
        return render(request, "communities/partials/community_cards.html", context)
    return render(request, "communities/home.html", context)


def community_list(request):
    form, communities = _discover(request)
    page = paginate(request, communities, per_page=24)
    context = {"form": form, "page": page, "communities": page.object_list}
    if is_htmx(request):
        return render(request, "communities/partials/community_cards.html", context)
    return render(request, "communities/community_list.html", context)


# --- Create and edit ----------------------------------------------------------------


@login_required
def community_create(request):
    form = CommunityForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            community = actions.do_create_community(
                request.user, slug=form.cleaned_data["slug"], **form.action_fields()
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your community is ready."))
            return redirect(community)
    status = 400 if form.errors else 200
    return render(request, "communities/community_form.html", {"form": form}, status=status)


@community_view("edit")
def community_edit(request, community, access):
    form = CommunityForm(request.POST or None, request.FILES or None, community=community)
    if form.is_valid():
        try:
            actions.do_update_community(request.user, community, **form.action_fields())
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(community)
    context = {"form": form, "community": community, "access": access}
    status = 400 if form.errors else 200
    return render(request, "communities/community_form.html", context, status=status)


# --- The community page, joining and leaving -----------------------------------------


def _detail_context(community, access) -> dict:
    context = {
        "community": community,
        "access": access,
        "languages": [LANGUAGE_NAMES.get(code, code) for code in community.languages],
        "member_count": community.memberships.count(),
        "join_form": JoinForm(),
        "request_form": RequestJoinForm(),
    }
    if access.can("view_content"):
        context["groups"] = queries.groups_of(community)
        context["members"] = queries.some_members(community)
    return context


@community_view()
def community_detail(request, community, access):
    return render(request, "communities/community_detail.html", _detail_context(community, access))


def _render_detail_with_error(request, community, access, error, **forms):
    context = {**_detail_context(community, access), **forms, "error": error}
    return render(request, "communities/community_detail.html", context, status=error.status)


@login_required
@require_POST
@community_view()
def community_join(request, community, access):
    form = JoinForm(request.POST)
    form.is_valid()
    try:
        actions.do_join_community(
            request.user,
            community,
            accept_code_of_conduct=form.cleaned_data.get("accept_code_of_conduct", False),
        )
    except ActionError as error:
        return _render_detail_with_error(request, community, access, error, join_form=form)
    messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
    return redirect(community)


@login_required
@require_POST
@community_view()
def community_request_join(request, community, access):
    form = RequestJoinForm(request.POST)
    if not form.is_valid():
        error = ActionError(_("Please correct the message."), field="message")
        return _render_detail_with_error(request, community, access, error, request_form=form)
    try:
        actions.do_request_to_join(request.user, community, message=form.cleaned_data["message"])
    except ActionError as error:
        return _render_detail_with_error(request, community, access, error, request_form=form)
    messages.success(request, _("Your request has been sent to the moderators."))
    return redirect(community)


@community_view("leave")
def community_leave(request, community, access):
    context = {"community": community, "access": access}
    if request.method == "POST":
        try:
            actions.do_leave_community(request.user, community)
        except ActionError as error:
            context["error"] = error
            return render(request, "communities/community_leave.html", context, status=error.status)
        messages.success(request, _("You have left %(name)s.") % {"name": community.name})
        return redirect("home")
    return render(request, "communities/community_leave.html", context)


@community_view("transfer")
def community_transfer(request, community, access):
    form = TransferForm(
        request.POST or None,
        community=community,
        actor=request.user,
        initial={"new_owner": request.GET.get("to")},
    )
    if form.is_valid():
        try:
            actions.do_transfer_ownership(request.user, community, form.cleaned_data["new_owner"])
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Ownership transferred."))
            return redirect(community)
    context = {"form": form, "community": community, "access": access}
    status = 400 if form.errors else 200
    return render(request, "communities/community_transfer.html", context, status=status)
