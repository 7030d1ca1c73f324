import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional community")
    LEARNING = "learning", _("Learning community")
    PRACTICE = "practice", _("Community of practice")


class Formality(models.TextChoices):
    FORMAL = "formal", pgettext_lazy("community", "Formal")
    INFORMAL = "informal", pgettext_lazy("community", "Informal")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can see it and its content")
    PRIVATE = "private", _("Private: name and purpose visible, content for members only")
    SECRET = "secret", _("Secret: invisible to non-members")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    REQUEST = "request", _("On request: moderators approve")
    INVITATION = "invitation", _("By invitation only")


class Cadence(models.TextChoices):
    NONE = "", _("No fixed cadence")
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    MENTOR = "mentor", _("Mentor")
    MEMBER = "member", _("Member")


# Higher rank, more rights; a moderator may manage roles below their own.
ROLE_RANK = {Role.MEMBER: 1, Role.MENTOR: 2, Role.MODERATOR: 3, Role.OWNER: 4}


def cover_path(community, filename):
    return f"covers/{secrets.token_hex(12)}.webp"


class Community(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        help_text=_("Letters, numbers and hyphens; used in the page address."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    formality = models.CharField(
        _("formal or informal"),
        max_length=10,
        choices=Formality.choices,
        default=Formality.INFORMAL,
    )
    domain = models.CharField(
        _("domain"), max_length=200, help_text=_("The shared field of the community.")
    )
    purpose = models.TextField(_("purpose"), max_length=2000)
    values = models.TextField(_("values"), max_length=4000, blank=True)
    goals = models.TextField(_("common goals"), max_length=4000, blank=True)
    code_of_conduct = models.TextField(
        _("code of conduct"), max_length=20000, blank=True, help_text=_("Markdown is allowed.")
    )
    code_of_conduct_html = models.TextField(blank=True, editable=False)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    cadence = models.CharField(
        _("planned cadence"),
        max_length=12,
        choices=Cadence.choices,
        default=Cadence.NONE,
        blank=True,
    )
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )
    join_policy = models.CharField(
        _("join policy"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    allow_anonymous = models.BooleanField(
        _("allow anonymous questions"),
        default=False,
        help_text=_("Members may ask questions without showing their name."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community-detail", args=[self.slug])


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    code_of_conduct_accepted_at = models.DateTimeField(
        _("code of conduct accepted"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_once"),
        ]
        indexes = [models.Index(fields=["user", "community"], name="membership_user_idx")]

    def __str__(self):
        return f"{self.user_id} in {self.community_id} ({self.role})"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timezone.timedelta(days=settings.INVITATION_VALID_DAYS)


class Invitation(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.community_id}"

    def get_absolute_url(self):
        return reverse("invitation-accept", args=[self.token])

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message to the moderators"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.community_id} ({self.status})"


class GroupKind(models.TextChoices):
    STUDY = "study", _("Study group")
    WORKING = "working", _("Working group")
    PROJECT = "project", _("Project team")
    COHORT = "cohort", _("Cohort")


class Group(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=GroupKind.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    is_open = models.BooleanField(
        _("open"),
        default=True,
        help_text=_(
            "Any member of the community may join an open group; "
            "a closed group is joined through its leaders."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="group_slug_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("group-detail", args=[self.community.slug, self.slug])


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    MEMBER = "member", _("Member")


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groupmembership_once"),
        ]

    def __str__(self):
        return f"{self.user_id} in group {self.group_id}"
