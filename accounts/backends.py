from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Email and password login; nobody of a deactivated organisation gets in.

    ``user_can_authenticate`` is consulted both at login and, through
    ``get_user``, on every request, so deactivating an organisation ends its
    users' sessions at once.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        organization = user.organization
        return organization is None or organization.is_active

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organization").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
