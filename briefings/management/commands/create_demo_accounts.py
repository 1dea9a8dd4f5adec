"""One demo account per newsroom role, so a new user can try each at once.

Development settings only. Passwords are generated, printed once and kept in
DEMO_ACCOUNTS_FILE (git-ignored); a later run creates nothing and points to the file.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from briefings import roles

ACCOUNTS = [  # (role, user name, full name)
    (roles.WRITER, "demo-writer", ("Meera", "Iyer")),
    (roles.EDITOR, "demo-editor", ("Arjun", "Rao")),
    (roles.ADMIN, "demo-admin", ("Lin", "Wei")),
]


class Command(BaseCommand):
    help = "Create a demo account for each role (development settings only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("No demo accounts: they are made with development settings only.")
            return
        accounts_file = settings.DEMO_ACCOUNTS_FILE
        created = [line for account in ACCOUNTS if (line := self.create(*account))]
        if created:
            accounts_file.write_text("".join(f"{line}\n" for line in created))
            self.stdout.write(f"Demo accounts, one per role (kept in {accounts_file}):")
            for line in created:
                self.stdout.write(f"  {line}")
        elif accounts_file.exists():
            self.stdout.write(f"Demo accounts: see {accounts_file} for their passwords.")

    def create(self, role, username, full_name):
        """A line naming the new account and its password; None if it exists already."""
        users = get_user_model().objects
        if users.filter(username=username).exists():
            return None
        password = secrets.token_urlsafe(12)
        first_name, last_name = full_name
        user = users.create_user(
            username, password=password, first_name=first_name, last_name=last_name,
            is_staff=True,
        )  # fmt: skip
        user.groups.add(Group.objects.get(name=role))
        return f"{role}: {username} / {password}"
