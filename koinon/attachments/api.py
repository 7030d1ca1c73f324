"""API: upload an image for a post (multipart), answered with its address and Markdown."""

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from koinon.api.schemas import ERRORS
from koinon.attachments import actions, limits
from koinon.communities.policy import get_community_for

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    url: str
    markdown: str
    width: int
    height: int
    size: int


@router.post(
    "/communities/{slug}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Upload an image for a post (multipart `file`; checked by content, size, pixels)",
)
def upload_attachment(request, slug: str, file: File[UploadedFile], alt: Form[str] = ""):
    community, access = get_community_for(request.user, slug)
    if request.user.is_authenticated:
        limits.check(request.user, access)
    attachment = actions.do_upload_image(request.user, community, file)
    return Status(
        201,
        {
            "url": attachment.get_absolute_url(),
            "markdown": actions.markdown_for(attachment, alt),
            "width": attachment.width,
            "height": attachment.height,
            "size": attachment.size,
        },
    )
