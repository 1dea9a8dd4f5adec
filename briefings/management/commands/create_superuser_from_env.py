"""Create the superuser named by DJANGO_SUPERUSER_* if it does not exist, refusing a weak
password: Django's createsuperuser --noinput does not check one."""

import os

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the superuser given by DJANGO_SUPERUSER_USERNAME and _PASSWORD, if new."

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not username or get_user_model().objects.filter(username=username).exists():
            return
        try:
            user = get_user_model()(username=username)
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "DJANGO_SUPERUSER_PASSWORD is too weak: " + " ".join(error.messages)
            ) from None
        call_command("createsuperuser", interactive=False, verbosity=0)
        self.stdout.write(f"Created the superuser {username}.")
