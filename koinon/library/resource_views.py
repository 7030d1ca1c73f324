"""Resource pages: the shelf, adding and editing, protected downloads, citations,
"useful for…" reviews and reading lists."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.lib.http import paginate
from koinon.library import actions, citations, policy
from koinon.library.files import max_upload_bytes
from koinon.library.forms import (
    AddToListForm,
    ReadingListForm,
    ResourceFilterForm,
    ResourceForm,
    ReviewForm,
)
from koinon.library.models import ReadingList, Resource
from koinon.library.views import PER_PAGE, _error, _form_error, _login_or_forbid, _without_page

CITATION_FORMATS = {
    "bib": (citations.bibtex_many, "application/x-bibtex; charset=utf-8"),
    "ris": (citations.ris_many, "application/x-research-info-systems; charset=utf-8"),
}


def resource_list(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        return _login_or_forbid(request)
    form = ResourceFilterForm(request.GET or None)
    resources = Resource.objects.filter(community=community).select_related("community")
    if form.is_valid() and form.cleaned_data.get("kind"):
        resources = resources.filter(kind=form.cleaned_data["kind"])
    page = paginate(request, resources, PER_PAGE)
    context = {
        "community": community,
        "page": page,
        "form": form,
        "can_write": policy.can_write(access),
        "reading_lists": list(community.reading_lists.all()[:50]),
        "query": _without_page(request),
    }
    return render(request, "library/resource_list.html", context)


def _max_mb() -> int:
    return max(1, max_upload_bytes() // (1024 * 1024))


@login_required
def resource_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    if not policy.can_write(access):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    if request.method == "POST" and form.is_valid():
        try:
            resource = actions.do_add_resource(request.user, community, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(resource)
    context = {"community": community, "form": form}
    status = 400 if form.errors else 200
    return render(request, "library/resource_form.html", context, status=status)


@login_required
def resource_edit(request, slug, resource_id):
    resource, access = policy.get_resource_for(request.user, slug, resource_id, "edit_own")
    initial = {name: getattr(resource, name) for name in actions.RESOURCE_FIELDS}
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        max_mb=_max_mb(),
        has_file=bool(resource.file),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_resource(request.user, resource, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(resource)
    context = {"community": resource.community, "resource": resource, "form": form}
    status = 400 if form.errors else 200
    return render(request, "library/resource_form.html", context, status=status)


def resource_detail(request, slug, resource_id):
    resource, access = policy.get_resource_for(request.user, slug, resource_id)
    reviews = list(resource.reviews.select_related("author__profile")[:100])
    mine = next((r for r in reviews if policy.is_self(access, r.author_id)), None)
    my_lists = ReadingList.objects.none()
    if access.is_member:
        my_lists = ReadingList.objects.filter(community=resource.community)
        if not access.is_moderator:
            my_lists = my_lists.filter(created_by=request.user)
    context = {
        "community": resource.community,
        "resource": resource,
        "reviews": reviews,
        "can_write": policy.can_write(access),
        "can_edit": policy.can_edit_own(access, resource),
        "review_form": ReviewForm(
            initial={"useful_for": mine.useful_for, "comment": mine.comment} if mine else None
        ),
        "my_review": mine,
        "list_form": AddToListForm(lists=my_lists) if access.is_member else None,
        "has_lists": access.is_member and my_lists.exists(),
        "in_lists": list(resource.reading_lists.all()),
    }
    return render(request, "library/resource_detail.html", context)


def resource_file(request, slug, resource_id):
    """The uploaded file, to those who may read the community's content; never inline."""
    resource, _access = policy.get_resource_for(request.user, slug, resource_id)
    if not resource.file:
        raise Http404
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=resource.file_name, content_type=resource.file_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _citation_response(items, fmt: str, filename: str):
    if fmt not in CITATION_FORMATS:
        raise Http404
    render_many, content_type = CITATION_FORMATS[fmt]
    response = HttpResponse(render_many(items), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def resource_citation(request, slug, resource_id, fmt):
    resource, _access = policy.get_resource_for(request.user, slug, resource_id)
    return _citation_response([resource], fmt, citations.citation_key(resource))


@require_POST
def resource_review(request, slug, resource_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    resource, _access = policy.get_resource_for(request.user, slug, resource_id, "write")
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ActionError(errors[0], field=field)
        actions.do_review_resource(request.user, resource, **form.cleaned_data)
    except ActionError as error:
        return _error(request, error)
    return redirect(resource.get_absolute_url() + "#reviews")


@require_POST
def resource_add_to_list(request, slug, resource_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    resource, _access = policy.get_resource_for(request.user, slug, resource_id, "write")
    lists = ReadingList.objects.filter(community=resource.community)
    form = AddToListForm(request.POST, lists=lists)
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ActionError(errors[0], field=field)
        actions.do_add_to_reading_list(
            request.user, form.cleaned_data["reading_list"], resource, form.cleaned_data["note"]
        )
    except ActionError as error:
        return _error(request, error)
    return redirect(form.cleaned_data["reading_list"])


# --- Reading lists ----------------------------------------------------------------------


@login_required
def reading_list_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    if not policy.can_write(access):
        raise PermissionDenied
    form = ReadingListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading_list = actions.do_create_reading_list(
                request.user, community, **form.cleaned_data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(reading_list)
    context = {"community": community, "form": form}
    status = 400 if form.errors else 200
    return render(request, "library/reading_list_form.html", context, status=status)


def reading_list_detail(request, slug, list_id):
    reading_list, access = policy.get_reading_list_for(request.user, slug, list_id)
    items = list(
        reading_list.items.select_related("resource__community").order_by("added_at", "id")
    )
    context = {
        "community": reading_list.community,
        "reading_list": reading_list,
        "items": items,
        "can_edit": policy.can_edit_list(access, reading_list),
    }
    return render(request, "library/reading_list_detail.html", context)


@require_POST
def reading_list_remove(request, slug, list_id, resource_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    reading_list, _access = policy.get_reading_list_for(request.user, slug, list_id)
    resource = reading_list.resources.filter(pk=resource_id).first()
    if resource is None:
        raise Http404
    try:
        actions.do_remove_from_reading_list(request.user, reading_list, resource)
    except ActionError as error:
        return _error(request, error)
    return redirect(reading_list)


def reading_list_citation(request, slug, list_id, fmt):
    reading_list, _access = policy.get_reading_list_for(request.user, slug, list_id)
    resources = [
        item.resource
        for item in reading_list.items.select_related("resource").order_by("added_at", "id")
    ]
    return _citation_response(resources, fmt, f"reading-list-{reading_list.pk}")
