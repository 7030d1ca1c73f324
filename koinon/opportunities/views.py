"""Opportunity pages: the platform-wide list, a community's list, one opportunity with
"I'm interested", publishing and editing, closing, "my opportunities", and a project's
call for partners."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities.models import Group, GroupMembership
from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.lib.http import paginate
from koinon.opportunities import actions, policy
from koinon.opportunities.forms import FilterForm, InterestForm, OpportunityForm
from koinon.opportunities.models import Interest, Opportunity, OpportunityKind

PER_PAGE = 20


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _refused(request, error: ActionError):
    return render(request, "opportunities/error.html", {"error": error}, status=error.status)


def _listed(queryset):
    return queryset.select_related("community", "group", "author__profile").order_by(
        "expires_on", "-created_at", "-pk"
    )


def _community(request, slug):
    """The community and access, or None when a visitor must sign in first."""
    community, access = get_community_for(request.user, slug)
    if not policy.can_read_community(access):
        if not request.user.is_authenticated:
            return None, None
        raise Http404
    return community, access


def _mark_interest(request, page):
    mine = set()
    if request.user.is_authenticated:
        mine = set(
            Interest.objects.filter(
                user=request.user, opportunity__in=[o.pk for o in page]
            ).values_list("opportunity_id", flat=True)
        )
    for opportunity in page:
        opportunity.i_am_interested = opportunity.pk in mine


# --- Lists ----------------------------------------------------------------------------


def platform_list(request):
    """Across the platform: every public community's live opportunities (and the reader's
    own communities')."""
    filters = FilterForm(request.GET or None)
    opportunities = filters.apply(policy.platform_opportunities(request.user))
    page = paginate(request, _listed(opportunities), PER_PAGE)
    _mark_interest(request, page)
    context = {"page": page, "filters": filters, "platform": True}
    return render(request, "opportunities/opportunity_list.html", context)


def community_list(request, slug):
    community, access = _community(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    filters = FilterForm(request.GET or None)
    opportunities = filters.apply(policy.community_opportunities(access))
    page = paginate(request, _listed(opportunities), PER_PAGE)
    _mark_interest(request, page)
    context = {
        "community": community,
        "access": access,
        "page": page,
        "filters": filters,
        "can_create": policy.can_create(access),
        "platform": False,
    }
    return render(request, "opportunities/opportunity_list.html", context)


@login_required
def mine(request):
    published = (
        policy.authored_by(request.user)
        .select_related("community", "group")
        .annotate(interest_count=Count("interests"))
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, published, PER_PAGE)
    answered = (
        Interest.objects.filter(user=request.user)
        .select_related("opportunity__community", "conversation")
        .order_by("-created_at")[:100]
    )
    return render(request, "opportunities/mine.html", {"page": page, "answered": list(answered)})


# --- One opportunity ------------------------------------------------------------------


def _detail_context(request, opportunity, access, interest_form=None):
    user = request.user
    my_interest = None
    if user.is_authenticated:
        my_interest = (
            Interest.objects.filter(opportunity=opportunity, user=user)
            .select_related("conversation")
            .first()
        )
    can_see_interests = policy.can_see_interests(access, opportunity)
    interests = []
    if can_see_interests:
        interests = list(
            opportunity.interests.select_related("user__profile", "conversation")[:200]
        )
    project_visible = False
    if opportunity.project_id:
        from koinon.projects import policy as project_policy

        project_visible = project_policy.can_see_project(access, opportunity.project)
    return {
        "opportunity": opportunity,
        "community": opportunity.community,
        "access": access,
        "my_interest": my_interest,
        "interests": interests,
        "can_see_interests": can_see_interests,
        "can_edit": policy.can_edit(access, opportunity) and not opportunity.is_closed,
        "can_close": policy.can_close(access, opportunity),
        "can_express_interest": policy.can_express_interest(access, opportunity)
        and my_interest is None,
        "interest_form": interest_form or InterestForm(),
        "project_visible": project_visible,
    }


def detail(request, slug, pk):
    opportunity, access = policy.get_opportunity_for(request.user, pk, slug)
    return render(
        request,
        "opportunities/opportunity_detail.html",
        _detail_context(request, opportunity, access),
    )


@login_required
@require_POST
def interest(request, slug, pk):
    opportunity, access = policy.get_opportunity_for(request.user, pk, slug, answering=True)
    form = InterestForm(request.POST)
    try:
        made = actions.do_express_interest(
            request.user, opportunity, note=request.POST.get("note", "")
        )
    except ActionError as error:
        if error.field != "note":
            return _refused(request, error)
        form.is_valid()
        _form_error(form, error)
        context = _detail_context(request, opportunity, access, interest_form=form)
        return render(request, "opportunities/opportunity_detail.html", context, status=400)
    messages.success(
        request, _("The author knows you are interested: continue the conversation here.")
    )
    return redirect(made.conversation)


@login_required
@require_POST
def close(request, slug, pk):
    opportunity, access = policy.get_opportunity_for(request.user, pk, slug)
    try:
        actions.do_close_opportunity(request.user, opportunity)
    except ActionError as error:
        return _refused(request, error)
    messages.success(request, _("The opportunity is closed: it has left the lists."))
    return redirect(opportunity)


# --- Publishing and editing -----------------------------------------------------------


def _groups_for(access):
    groups = Group.objects.filter(community=access.community)
    if not access.is_moderator:
        groups = groups.filter(
            pk__in=GroupMembership.objects.filter(user=access.user).values("group_id")
        )
    return groups


@login_required
def create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read_community(access):
        raise Http404
    if not policy.can_create(access):
        raise PermissionDenied
    initial = {}
    kind = request.GET.get("kind")
    if kind in OpportunityKind.values:
        initial["kind"] = kind
    form = OpportunityForm(request.POST or None, groups=_groups_for(access), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group = data.pop("group", None)
        try:
            opportunity = actions.do_create_opportunity(
                request.user, community, group=group, **data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your opportunity is published."))
            return redirect(opportunity)
    context = {"community": community, "form": form, "project": None}
    status = 400 if form.errors else 200
    return render(request, "opportunities/opportunity_form.html", context, status=status)


@login_required
def call_for_partners(request, slug, project_id):
    """A project's leads publish its call for partners."""
    from koinon.projects import policy as project_policy

    project, access = project_policy.get_project_for(request.user, slug, project_id, "manage")
    community = project.community
    initial = {
        "kind": OpportunityKind.CALL_FOR_PARTNERS,
        "title": _("Partners wanted: %(project)s") % {"project": project.title},
        "description": project.purpose,
    }
    form = OpportunityForm(
        request.POST or None,
        groups=Group.objects.none(),
        fixed_kind=OpportunityKind.CALL_FOR_PARTNERS,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("group", None)
        try:
            opportunity = actions.do_create_opportunity(
                request.user, community, project=project, **data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The call for partners is published."))
            return redirect(opportunity)
    context = {"community": community, "form": form, "project": project}
    status = 400 if form.errors else 200
    return render(request, "opportunities/opportunity_form.html", context, status=status)


@login_required
def edit(request, slug, pk):
    opportunity, access = policy.get_opportunity_for(request.user, pk, slug)
    if not policy.can_edit(access, opportunity):
        raise PermissionDenied
    if opportunity.is_closed:
        return _refused(
            request,
            ActionError(_("This opportunity is closed: it can no longer be edited."), status=409),
        )
    initial = {name: getattr(opportunity, name) for name in actions.EDITABLE_FIELDS}
    form = OpportunityForm(
        request.POST or None,
        initial=initial,
        editing=True,
        fixed_kind=opportunity.kind if opportunity.project_id else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = actions.do_update_opportunity(
                request.user, opportunity, **form.cleaned_data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(opportunity)
    context = {
        "community": opportunity.community,
        "form": form,
        "opportunity": opportunity,
        "project": opportunity.project,
    }
    status = 400 if form.errors else 200
    return render(request, "opportunities/opportunity_form.html", context, status=status)


# --- For the project page -------------------------------------------------------------


def open_calls_for(project):
    """A project's live calls for partners (the project page shows them)."""
    return list(
        Opportunity.objects.live()
        .filter(project=project)
        .select_related("community")
        .order_by("-created_at")[:5]
    )
