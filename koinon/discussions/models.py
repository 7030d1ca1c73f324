"""Topics, their posts, the edit history of each post, and reactions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

POST_MAX_LENGTH = 32_000
TITLE_MAX_LENGTH = 200
TAG_MAX_LENGTH = 40
MAX_TAGS = 5


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")


class Label(models.TextChoices):
    NONE = "", _("No label")
    CHALLENGE = "challenge", _("Challenge")
    TREND = "trend", _("Trend")
    TIP = "tip", _("Tip")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ReactionKind(models.TextChoices):
    HELPFUL = "helpful", _("Helpful")
    THANKS = "thanks", _("Thanks")
    INSIGHTFUL = "insightful", _("Insightful")


class Tag(models.Model):
    """A free tag, shared by all communities so expertise can be traced per tag.

    Names are normalised (lower case, words joined by hyphens) so one join on an
    indexed column filters the same way on SQLite and PostgreSQL.
    """

    name = models.SlugField(_("name"), max_length=TAG_MAX_LENGTH, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TopicQuerySet(models.QuerySet):
    def visible_to(self, access):
        """Without the topics hidden pending review, except for the community's
        moderators (who see them all) and each topic's own author."""
        if access.is_moderator:
            return self
        return self.not_hidden(access.user)

    def not_hidden(self, user=None, moderated=None):
        """Topics shown in lists: not hidden, or `user`'s own, or in `moderated`
        (communities, or a subquery of their ids, that `user` moderates)."""
        shown = models.Q(hidden_at__isnull=True)
        if user is not None and user.is_authenticated:
            shown |= models.Q(author_id=user.pk)
            if moderated is not None:
                shown |= models.Q(community__in=moderated)
        return self.filter(shown)


class Topic(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="topics"
    )
    group = models.ForeignKey(
        "communities.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
        verbose_name=_("group"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=TopicKind.choices, default=TopicKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    label = models.CharField(
        _("label"), max_length=14, choices=Label.choices, default=Label.NONE, blank=True
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics", verbose_name=_("tags"))
    language = models.CharField(_("language"), max_length=8, default="it")
    pinned = models.BooleanField(_("pinned"), default=False)
    closed = models.BooleanField(_("closed"), default=False)
    archived = models.BooleanField(_("archived"), default=False)
    is_anonymous = models.BooleanField(_("asked anonymously"), default=False)
    # Kept for anonymous topics too, so the author can edit and delete; never shown.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="topics"
    )
    accepted_answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Set while the opening post is hidden by moderation (koinon.moderation): lists skip it.
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-pinned", "-last_activity_at", "-id"]
        indexes = [
            models.Index(
                fields=["community", "-pinned", "-last_activity_at"], name="topic_list_idx"
            ),
            models.Index(fields=["community", "kind"], name="topic_kind_idx"),
            # The few topics hidden pending review: a member's own, counted on each list.
            models.Index(
                fields=["author", "community"],
                name="topic_hidden_idx",
                condition=models.Q(hidden_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topic-detail", args=[self.community.slug, self.pk])

    @property
    def is_question(self) -> bool:
        return self.kind == TopicKind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.accepted_answer_id is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    # The first post carries the topic's text; every later one is a reply (an answer).
    is_opening = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    is_anonymous = models.BooleanField(_("posted anonymously"), default=False)
    body = models.TextField(_("text"), max_length=POST_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Hidden pending review (flags or a moderator; koinon.moderation): text shown to
    # its author and the moderators only.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"], name="post_topic_idx")]

    def __str__(self):
        return f"Post {self.pk} in topic {self.topic_id}"

    def get_absolute_url(self):
        return f"{self.topic.get_absolute_url()}#post-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(models.Model):
    """The text a post had before one edit; the current text lives on the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("reaction"), max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_once_per_kind")
        ]

    def __str__(self):
        return f"{self.kind} by {self.user_id} on {self.post_id}"


class Level(models.TextChoices):
    WATCH = "watch", _("Watching")
    NORMAL = "normal", _("Normal")
    MUTE = "mute", _("Muted")


class TopicState(models.Model):
    """One person's relation to one topic: how closely they follow it, how far they read."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_states"
    )
    level = models.CharField(
        _("notifications"), max_length=8, choices=Level.choices, default=Level.NORMAL
    )
    last_read_at = models.DateTimeField(_("read up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("topic subscription")
        verbose_name_plural = _("topic subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="topicstate_once"),
        ]

    def __str__(self):
        return f"{self.user_id} on topic {self.topic_id}: {self.level}"
