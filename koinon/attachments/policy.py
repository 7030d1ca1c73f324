"""Who may upload images into a community, and who may see them."""

from django.http import Http404

from koinon.attachments.models import Attachment
from koinon.communities.policy import Access, access_for


def can_upload(access: Access) -> bool:
    """Members who may write (a blocked member may not)."""
    return access.is_member


def can_view(access: Access) -> bool:
    """Whoever may read the community's content: public, or a member of a private one."""
    return access.can("view_content")


def get_attachment_for(user, key: str) -> Attachment:
    """The attachment, or 404 alike for a missing one and one the person may not see."""
    attachment = Attachment.objects.select_related("community").filter(key=key).first()
    if attachment is None or not can_view(access_for(user, attachment.community)):
        raise Http404
    return attachment
