import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person, who signs in with an e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages and e-mails you receive."),
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if "chosen_name" in self.__dict__:  # loaded with the person (accounts.backends)
            return name_to_show(self.email, self.erased_at, self.chosen_name or "")
        profile = getattr(self, "profile", None)
        return name_to_show(self.email, self.erased_at, profile.display_name if profile else "")


def name_to_show(email: str, erased_at, chosen_name: str) -> str:
    """What pages call a person: the name they chose, else their address's first part."""
    if erased_at:
        return str(_("Former member"))
    return chosen_name or email.split("@")[0]


def with_author_names(queryset):
    """`queryset` (of things with an `author`) carrying what the author's name is made
    of, read by `names_of_authors` without a query of its own."""
    return queryset.annotate(
        author_email=models.F("author__email"),
        author_erased_at=models.F("author__erased_at"),
        author_chosen_name=models.F("author__profile__display_name"),
    )


def names_of_authors(items) -> dict[int, str]:
    """{author id: `display_name`} of items read `with_author_names`."""
    return {
        item.author_id: name_to_show(
            item.author_email, item.author_erased_at, item.author_chosen_name or ""
        )
        for item in items
        if item.author_id
    }


def display_names(user_ids) -> dict[int, str]:
    """{user id: `display_name`} for these people: one query, without building a user and
    a profile per person (a list of thirty authors saves a few milliseconds)."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    rows = User.objects.filter(pk__in=ids).values_list(
        "pk", "email", "erased_at", "profile__display_name"
    )
    return {pk: name_to_show(email, erased_at, name or "") for pk, email, erased_at, name in rows}


class ProfileVisibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    COMMUNITIES = "communities", _("Members of my communities")
    ME = "me", _("Only me")


def avatar_path(profile, filename):
    return f"avatars/{profile.user_id}/{secrets.token_hex(8)}.webp"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="profile",
    )
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # How people @mention this person; lower case (see accounts/handles.py).
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        help_text=_("People mention you in posts as @handle."),
    )
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    headline = models.CharField(_("headline"), max_length=140, blank=True)
    bio = models.TextField(
        _("about me"), max_length=5000, blank=True, help_text=_("Markdown is allowed.")
    )
    bio_html = models.TextField(blank=True, editable=False)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=80, blank=True, db_index=True)
    expertise_areas = models.JSONField(_("expertise areas"), default=list, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Language codes, e.g. it, en.")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("Two-letter code, e.g. IT.")
    )
    open_to_mentoring = models.BooleanField(_("mentoring others"), default=False)
    open_to_being_mentored = models.BooleanField(_("being mentored"), default=False)
    open_to_collaboration = models.BooleanField(_("collaboration"), default=False)
    open_to_jobs = models.BooleanField(_("job offers"), default=False)
    links = models.JSONField(_("links"), default=list, blank=True)
    visibility = models.CharField(
        _("who may see my profile"),
        max_length=12,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.COMMUNITIES,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.display_name or str(self.user_id)


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_unique_ci")]

    def __str__(self):
        return self.name


class ProfileSkill(models.Model):
    """A skill a person claims, with a self-assessed level from 1 to 5."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("skill of a person")
        verbose_name_plural = _("skills of people")
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="profileskill_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="profileskill_level_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.skill} ({self.level})"


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token; only its SHA-256 is stored, the raw value is shown once."""

    PREFIX = "kn_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    scope = models.CharField(
        _("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str, scope: str = TokenScope.READ) -> tuple["ApiToken", str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, scope=scope, token_hash=hash_token(raw), hint=raw[:10]
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        if self.revoked_at:
            return False
        last = self.last_used_at or self.created_at
        return (timezone.now() - last).days < settings.API_TOKEN_UNUSED_DAYS
