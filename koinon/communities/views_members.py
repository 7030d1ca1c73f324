"""Member directory, roles, join requests and invitations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities import actions, queries
from koinon.communities.forms import (
    DirectoryFilterForm,
    InviteForm,
    JoinForm,
    RoleForm,
    roles_below,
)
from koinon.communities.models import Invitation, JoinRequest, Membership
from koinon.communities.views import community_view, error_page, form_error
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate

DIRECTORY_PAGE_SIZE = 50

# --- Directory and roles ----------------------------------------------------------------


def _row_context(access, membership) -> dict:
    """What the viewer may do to one row of the directory."""
    below = membership.rank < access.rank or access.is_owner
    is_self = membership.user_id == access.user.pk
    return {
        "m": membership,
        "community": access.community,
        "access": access,
        "role_choices": roles_below(access.rank, include_owner=access.is_owner),
        "may_change_role": access.can("change_role") and below and not is_self,
        "may_remove": access.can("remove_member") and membership.rank < access.rank,
        "may_transfer": access.is_owner and not is_self,
    }


@community_view("view_members")
def member_list(request, community, access):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(
        request, queries.member_directory(request.user, community, filters), DIRECTORY_PAGE_SIZE
    )
    rows = [_row_context(access, m) for m in page.object_list]
    context = {"community": community, "access": access, "form": form, "page": page, "rows": rows}
    template = "communities/partials/member_rows.html" if is_htmx(request) else None
    return render(request, template or "communities/member_list.html", context)


def _membership(community, user_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user__profile", "community"),
        community=community,
        user_id=user_id,
    )


def _row_response(request, access, membership, error=None, status=200):
    if not is_htmx(request):
        if error:
            return error_page(
                request, error, reverse("community-members", args=[access.community.slug])
            )
        return redirect("community-members", access.community.slug)
    membership = queries.member_directory(request.user, access.community, {}).get(pk=membership.pk)
    context = {**_row_context(access, membership), "error": error}
    return render(request, "communities/partials/member_row.html", context, status=status)


@require_POST
@community_view("view_members")
def member_role(request, community, access, user_id):
    membership = _membership(community, user_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(_("Unknown role."), field="role")
        actions.do_change_role(request.user, membership, form.cleaned_data["role"])
    except ActionError as error:
        return _row_response(request, access, membership, error, status=error.status)
    if not is_htmx(request):
        messages.success(request, _("Role changed."))
    return _row_response(request, access, membership)


@require_POST
@community_view("view_members")
def member_remove(request, community, access, user_id):
    membership = _membership(community, user_id)
    try:
        actions.do_remove_member(request.user, membership)
    except ActionError as error:
        return _row_response(request, access, membership, error, status=error.status)
    if is_htmx(request):
        return render(request, "communities/partials/member_removed.html", {"m": membership})
    messages.success(request, _("Member removed."))
    return redirect("community-members", community.slug)


# --- Join requests ----------------------------------------------------------------------


@community_view("manage_requests")
def request_list(request, community, access):
    context = {
        "community": community,
        "access": access,
        "requests": queries.pending_requests(community),
    }
    return render(request, "communities/request_list.html", context)


@require_POST
@community_view("manage_requests")
def request_decide(request, community, access, pk):
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user__profile", "community"), community=community, pk=pk
    )
    approve = request.POST.get("decision") == "approve"
    error = None
    try:
        actions.do_decide_join_request(request.user, join_request, approve=approve)
    except ActionError as exc:
        error = exc
    if is_htmx(request):
        context = {"r": join_request, "community": community, "error": error}
        status = error.status if error else 200
        return render(request, "communities/partials/request_row.html", context, status=status)
    if error:
        return error_page(request, error, reverse("community-requests", args=[community.slug]))
    return redirect("community-requests", community.slug)


# --- Invitations ------------------------------------------------------------------------


@community_view("invite")
def invitation_list(request, community, access):
    form = InviteForm(request.POST or None, access=access)
    if form.is_valid():
        try:
            invitation = actions.do_invite(request.user, community, **form.cleaned_data)
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("community-invitations", community.slug)
    invitations = community.invitations.select_related(
        "invited_by__profile", "accepted_by__profile"
    )
    context = {
        "community": community,
        "access": access,
        "form": form,
        "invitations": invitations[:200],
    }
    return render(
        request, "communities/invitation_list.html", context, status=400 if form.errors else 200
    )


@require_POST
@community_view("invite")
def invitation_revoke(request, community, access, pk):
    invitation = get_object_or_404(Invitation, community=community, pk=pk)
    if invitation.accepted_at or invitation.revoked_at:
        error = ActionError(_("This invitation can no longer be withdrawn."), status=409)
        return error_page(request, error, reverse("community-invitations", args=[community.slug]))
    actions.do_revoke_invitation(request.user, invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("community-invitations", community.slug)


def _invitation_state(request, invitation):
    """None if the viewer may accept it now, else the ActionError to show."""
    try:
        actions.check_invitation(
            invitation, request.user if request.user.is_authenticated else None
        )
    except ActionError as error:
        return error
    return None


def invitation_accept(request, token):
    invitation = get_object_or_404(
        Invitation.objects.select_related("community", "invited_by__profile"), token=token
    )
    error = _invitation_state(request, invitation)
    form = JoinForm(request.POST if request.method == "POST" else None)
    context = {"invitation": invitation, "community": invitation.community, "form": form}
    if error is None and request.method == "POST" and request.user.is_authenticated:
        form.is_valid()
        accepted = form.cleaned_data.get("accept_code_of_conduct", False)
        try:
            actions.do_accept_invitation(request.user, token, accept_code_of_conduct=accepted)
        except ActionError as exc:
            error = exc
        else:
            messages.success(
                request, _("Welcome to %(name)s!") % {"name": invitation.community.name}
            )
            return redirect(invitation.community)
    context["error"] = error
    return render(
        request,
        "communities/invitation_accept.html",
        context,
        status=error.status if error else 200,
    )
