"""The newsroom's roles: Django groups and the permissions each holds.

A data migration creates the groups and sets their permissions from ROLES; after every
`migrate`, sync_roles sets them again (signals.keep_roles), so a change to ROLES takes
effect with the next deployment's migrate. What a role may do to a
particular briefing (a Writer edits only their own drafts) is checked in admin.py.
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q

WRITER, EDITOR, ADMIN = "Writer", "Editor", "Admin"
PUBLISH = "briefings.publish_briefing"

BRIEFING_RIGHTS = [
    "briefings.add_briefing",
    "briefings.change_briefing",
    "briefings.delete_briefing",
    "briefings.view_briefing",
]
CORRECTION_RIGHTS = [
    "briefings.add_correction",
    "briefings.change_correction",
    "briefings.delete_correction",
    "briefings.view_correction",
]
TAG_RIGHTS = [
    "briefings.add_tag",
    "briefings.change_tag",
    "briefings.delete_tag",
    "briefings.view_tag",
    # A topic's other names, given in its form.
    "briefings.add_othername",
    "briefings.change_othername",
    "briefings.delete_othername",
    "briefings.view_othername",
]
LIBRARY_RIGHTS = [
    "briefings.add_libraryimage",
    "briefings.change_libraryimage",
    "briefings.delete_libraryimage",
    "briefings.view_libraryimage",
]
ROLES = {
    # Writes, edits their own drafts, submits them for review; deletes only own drafts;
    # adds images to the library and uses any.
    WRITER: [
        *BRIEFING_RIGHTS,
        "briefings.view_correction",
        "briefings.add_libraryimage",
        "briefings.view_libraryimage",
    ],  # fmt: skip
    # Edits everything, publishes, schedules, unpublishes, manages tags and the library.
    EDITOR: [*BRIEFING_RIGHTS, PUBLISH, *CORRECTION_RIGHTS, *TAG_RIGHTS, *LIBRARY_RIGHTS],
    # Everything, users included.
    ADMIN: None,
}


def can_publish(user):
    return user.has_perm(PUBLISH)


def create_roles(apps, schema_editor):
    """The data migration: permissions are made after all migrations, the roles need them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


def sync_roles(apps):
    """Create the role groups and give each exactly its permissions (None: all of them)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, rights in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if rights is None:
            group.permissions.set(Permission.objects.all())
            continue
        # A permission whose model a later migration creates is given by that one's sync.
        wanted = Q()
        for right in rights:
            app, codename = right.split(".")
            wanted |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
