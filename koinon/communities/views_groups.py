"""Groups inside a community: create, see, join, leave, add members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities import actions, policy, queries
from koinon.communities.forms import AddToGroupForm, GroupForm
from koinon.communities.views import community_view, error_page, form_error
from koinon.lib.errors import ActionError


@community_view("create_group")
def group_create(request, community, access):
    form = GroupForm(request.POST or None, community=community)
    if form.is_valid():
        try:
            group = actions.do_create_group(request.user, community, **form.cleaned_data)
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Group created."))
            return redirect(group)
    context = {"form": form, "community": community, "access": access}
    return render(
        request, "communities/group_form.html", context, status=400 if form.errors else 200
    )


def _group_context(group, access, **extra) -> dict:
    context = {
        "group": group,
        "community": group.community,
        "access": access,
        "group_role": access.group_role(group),
        "members": queries.group_members(group),
    }
    if access.can("add_to_group", group):
        context["add_form"] = AddToGroupForm(group=group)
    return {**context, **extra}


def group_detail(request, slug, group_slug):
    group, access = policy.get_group_for(request.user, slug, group_slug)
    return render(request, "communities/group_detail.html", _group_context(group, access))


def _group_action(request, slug, group_slug, do):
    group, access = policy.get_group_for(request.user, slug, group_slug)
    try:
        do(group)
    except ActionError as error:
        return error_page(request, error, group.get_absolute_url())
    return redirect(group)


@login_required
@require_POST
def group_join(request, slug, group_slug):
    return _group_action(
        request, slug, group_slug, lambda g: actions.do_join_group(request.user, g)
    )


@login_required
@require_POST
def group_leave(request, slug, group_slug):
    return _group_action(
        request, slug, group_slug, lambda g: actions.do_leave_group(request.user, g)
    )


@login_required
@require_POST
def group_add(request, slug, group_slug):
    group, access = policy.get_group_for(request.user, slug, group_slug, "add_to_group")
    form = AddToGroupForm(request.POST, group=group)
    if form.is_valid():
        try:
            actions.do_add_to_group(request.user, group, form.cleaned_data["user"])
        except ActionError as error:
            form.add_error("user", str(error.message))
        else:
            return redirect(group)
    context = _group_context(group, access, add_form=form)
    return render(request, "communities/group_detail.html", context, status=400)
