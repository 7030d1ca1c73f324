"""Polls inside a topic: options, votes (one per person in a single-choice poll), closing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUESTION_MAX_LENGTH = 200
OPTION_MAX_LENGTH = 120
MIN_OPTIONS, MAX_OPTIONS = 2, 10


class Poll(models.Model):
    topic = models.OneToOneField("discussions.Topic", on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    public_voters = models.BooleanField(_("voters are shown"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [models.Index(fields=["closed_at", "closes_at"], name="poll_due_idx")]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return f"{self.topic.get_absolute_url()}#poll"

    @property
    def title(self) -> str:
        """What notifications call it: the topic's title."""
        return self.topic.title

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is not None or (self.closes_at is not None and self.closes_at <= now)


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=OPTION_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="polloption_position_once")
        ]

    def __str__(self):
        return self.text


class Vote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes"
    )
    # Copied from the poll, so the database itself allows one vote in a single-choice poll.
    single_choice = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="vote_once_per_option"),
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=Q(single_choice=True),
                name="vote_once_in_single_choice_poll",
            ),
        ]
        indexes = [models.Index(fields=["poll", "user"], name="vote_poll_user_idx")]

    def __str__(self):
        return f"{self.user_id} → {self.option_id}"
