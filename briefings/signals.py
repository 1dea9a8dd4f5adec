"""Django's signals, handed to briefings/upkeep.py (connected in BriefingsConfig.ready).

Every handler only names the event; upkeep.py does the work. Raw saves (fixtures)
are left alone: `manage.py rebuild_derived` derives what they need.
"""

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from . import roles, upkeep
from .models import (
    Briefing,
    Correction,
    LibraryImage,
    OtherName,
    Tag,
    TaggedBriefing,
    delete_image_files_if_unused,
)


@receiver(pre_save, sender=Briefing, dispatch_uid="briefing-before-save")
def before_briefing_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    upkeep.fill_briefing_fields(instance)
    instance._stored_state = upkeep.stored_state(instance)


@receiver(post_save, sender=Briefing, dispatch_uid="briefing-after-save")
def after_briefing_save(sender, instance, raw=False, **kwargs):
    if not raw:
        upkeep.briefing_saved(instance, getattr(instance, "_stored_state", None))


@receiver(pre_delete, sender=Briefing, dispatch_uid="briefing-before-delete")
def before_briefing_delete(sender, instance, **kwargs):
    upkeep.briefing_deleting(instance)


@receiver(post_save, sender=Correction, dispatch_uid="correction-after-save")
@receiver(post_delete, sender=Correction, dispatch_uid="correction-after-delete")
def after_correction_change(sender, instance, raw=False, **kwargs):
    if not raw:
        upkeep.correction_changed(instance.briefing_id)


@receiver(post_save, sender=LibraryImage, dispatch_uid="library-image-after-save")
@receiver(post_delete, sender=LibraryImage, dispatch_uid="library-image-after-delete")
def after_library_image_change(sender, instance, created=False, raw=False, **kwargs):
    if not (raw or created):  # a new image is in no body yet
        upkeep.library_image_changed(instance.pk)


@receiver(m2m_changed, sender=TaggedBriefing, dispatch_uid="briefing-tags-changed")
def after_tags_change(sender, instance, action, pk_set, **kwargs):
    """taggit sends the ids of the tags added or removed; a clear sends none, so keep them."""
    if action == "pre_add":
        upkeep.tags_changing(instance.pk, adding=pk_set)
    elif action in ("pre_remove", "pre_clear"):
        upkeep.tags_changing(instance.pk)
        if action == "pre_clear":
            instance._tags_before_clear = set(instance.tags.values_list("pk", flat=True))
    elif action == "post_add":
        upkeep.tags_changed(instance.pk, pk_set, +1)
    elif action == "post_remove":
        upkeep.tags_changed(instance.pk, pk_set, -1)
    elif action == "post_clear":
        upkeep.tags_changed(instance.pk, getattr(instance, "_tags_before_clear", set()), -1)


@receiver(pre_save, sender=Tag, dispatch_uid="tag-before-save")
def before_tag_save(sender, instance, raw=False, **kwargs):
    if not raw:
        upkeep.tag_saving(instance)


@receiver(post_save, sender=Tag, dispatch_uid="tag-after-save")
def after_tag_save(sender, instance, created, raw=False, **kwargs):
    if not raw:
        upkeep.tag_saved(instance, created)


@receiver(pre_save, sender=OtherName, dispatch_uid="other-name-before-save")
def before_other_name_save(sender, instance, raw=False, **kwargs):
    if not raw:
        upkeep.other_name_saving(instance)


@receiver(post_save, sender=OtherName, dispatch_uid="other-name-after-save")
@receiver(post_delete, sender=OtherName, dispatch_uid="other-name-after-delete")
def after_other_name_change(sender, instance, raw=False, **kwargs):
    if not raw:
        upkeep.other_names_changed(instance.tag_id)


@receiver(pre_delete, sender=Tag, dispatch_uid="tag-before-delete")
def before_tag_delete(sender, instance, **kwargs):
    upkeep.tag_deleting(instance)


@receiver(post_delete, sender=Tag, dispatch_uid="tag-after-delete")
def after_tag_delete(sender, instance, **kwargs):
    upkeep.tag_deleted(instance)


@receiver(post_delete, sender=Briefing, dispatch_uid="briefing-image-files")
def remove_image_files_of_deleted_briefing(sender, instance, **kwargs):
    if instance.lead_image:
        name, renditions = instance.lead_image.name, instance.renditions
        transaction.on_commit(lambda: delete_image_files_if_unused(name, renditions))


@receiver(post_migrate, dispatch_uid="briefings-roles")
def keep_roles(sender, apps=global_apps, **kwargs):
    """Roles come from a data migration; this keeps them after a flush empties the tables."""
    if sender.name == "briefings":
        roles.sync_roles(apps)
