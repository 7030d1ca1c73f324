"""The checked image view, and the composer's upload (answered in JSON for the script)."""

from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from koinon.attachments import actions, limits
from koinon.attachments.policy import get_attachment_for
from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError, RateLimited


@require_GET
def attachment_file(request, key):
    """The image, to people who may read the community's content; 404 for anyone else."""
    attachment = get_attachment_for(request.user, key)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/webp")
    response["X-Content-Type-Options"] = "nosniff"
    public = attachment.community.visibility == "public"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def attachment_upload(request, slug):
    """A file from the composer's button: `{"url", "markdown"}` or `{"detail"}` with a 4xx."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Please log in to add images.")}, status=403)
    try:
        community, access = get_community_for(request.user, slug)
        limits.check(request.user, access)
        attachment = actions.do_upload_image(request.user, community, request.FILES.get("file"))
    except ActionError as error:
        response = JsonResponse(
            {"detail": str(error.message), "code": error.code}, status=error.status
        )
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
        return response
    return JsonResponse(
        {
            "url": attachment.get_absolute_url(),
            "markdown": actions.markdown_for(attachment, request.POST.get("alt", "")),
            "width": attachment.width,
            "height": attachment.height,
        },
        status=201,
    )
