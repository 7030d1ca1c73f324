from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F


class ModelBackendWithProfile(ModelBackend):
    """Django's ModelBackend, whose signed-in person comes with the name they chose
    (`User.display_name`, shown on every page): one query, not one for the person and
    one for their profile."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(chosen_name=F("profile__display_name"))
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
