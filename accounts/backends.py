"""Who a logged-in request's user is: Django's ModelBackend, with the user's region and
enterprise read in the same statement. Every page's top bar names both (templates/base.html),
and the jurisdiction rules read the region; fetched lazily they cost one statement each per page."""
from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        from .models import User

        try:
            user = User._default_manager.select_related("region", "enterprise").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
