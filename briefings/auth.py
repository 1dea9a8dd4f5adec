"""Who may log in: the newsroom's staff, and no one else (the public has no accounts)."""

from django.contrib.auth.backends import ModelBackend


class StaffOnlyBackend(ModelBackend):
    """Django's own check of name and password, for staff accounts only.

    The admin turns a non-staff account away after its password was checked, and that
    check counts as a success to the login throttle: the fifth try of a guessed password
    would tell a non-staff one from a wrong one. Refused here, every such try is a plain
    failure, answered and counted like any other.
    """

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_staff
