"""Every side effect of a change, connected in one place (BriefingsConfig.ready).

Counts and stored cards change inside the transaction; cached pages are retired after
it commits (briefings/publication.py and page_versions.py); image files go after
commit too.
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

from . import cards, page_versions, publication, roles, search
from .models import (
    Briefing,
    Correction,
    FormerTagSlug,
    Tag,
    TaggedBriefing,
    delete_image_files_if_unused,
)


@receiver(pre_save, sender=Briefing, dispatch_uid="briefing-before-save")
def remember_public_state(sender, instance, raw=False, **kwargs):
    """Keep the stored slug and live flag, to know after the save what the public saw."""
    if raw or instance.pk is None:
        instance._before_save = None
        return
    instance._before_save = (
        Briefing.objects.filter(pk=instance.pk).values_list("slug", "is_live").first()
    )


@receiver(post_save, sender=Briefing, dispatch_uid="briefing-after-save")
def follow_briefing_save(sender, instance, raw=False, **kwargs):
    if not raw:
        publication.sync_after_save(instance, getattr(instance, "_before_save", None))
        cards.refresh_cards([instance.pk])


@receiver(pre_delete, sender=Briefing, dispatch_uid="briefing-before-delete")
def follow_briefing_delete(sender, instance, **kwargs):
    publication.before_delete(instance)


@receiver(post_save, sender=Correction, dispatch_uid="correction-after-save")
@receiver(post_delete, sender=Correction, dispatch_uid="correction-after-delete")
def follow_correction(sender, instance, raw=False, **kwargs):
    if not raw:
        publication.correction_changed(instance.briefing)


@receiver(m2m_changed, sender=TaggedBriefing, dispatch_uid="briefing-tags-changed")
def follow_tag_change(sender, instance, action, pk_set, **kwargs):
    """taggit sends the ids of the tags added or removed; a clear sends none, so keep them."""
    if action == "pre_clear":
        instance._tags_before_clear = set(instance.tags.values_list("pk", flat=True))
    elif action == "post_clear":
        publication.tags_removed(instance.pk, getattr(instance, "_tags_before_clear", set()))
    elif action == "post_add":
        publication.tags_added(instance.pk, pk_set)
    elif action == "post_remove":
        publication.tags_removed(instance.pk, pk_set)
    if action in ("post_clear", "post_add", "post_remove"):
        cards.refresh_cards([instance.pk])


@receiver(pre_save, sender=Tag, dispatch_uid="tag-before-save")
def remember_tag_slug(sender, instance, raw=False, **kwargs):
    stored = Tag.objects.filter(pk=instance.pk).values_list("slug", flat=True)
    instance._slug_before_save = None if raw or instance.pk is None else stored.first()


@receiver(post_save, sender=Tag, dispatch_uid="tag-after-save")
def follow_tag_edit(sender, instance, created, raw=False, **kwargs):
    """A renamed tag shows on many pages (cards, other tags' lists): retire them all;
    its old address leads to it."""
    if raw:
        return
    old_slug = getattr(instance, "_slug_before_save", None)
    if created or old_slug != instance.slug:
        FormerTagSlug.objects.filter(slug=instance.slug).delete()  # in use again
    if old_slug and old_slug != instance.slug:
        FormerTagSlug.objects.update_or_create(slug=old_slug, defaults={"tag": instance})
    if not created:
        carriers = carriers_of(instance)
        cards.refresh_cards(carriers)
        search.index_after_commit(carriers)
        page_versions.retire_everything_after_commit()


@receiver(pre_delete, sender=Tag, dispatch_uid="tag-before-delete")
def remember_carriers(sender, instance, **kwargs):
    instance._carriers = carriers_of(instance)


@receiver(post_delete, sender=Tag, dispatch_uid="tag-after-delete")
def follow_tag_delete(sender, instance, **kwargs):
    carriers = getattr(instance, "_carriers", [])
    cards.refresh_cards(carriers)
    search.index_after_commit(carriers)
    page_versions.retire_everything_after_commit()


def carriers_of(tag):
    return list(TaggedBriefing.objects.filter(tag=tag).values_list("content_object", flat=True))


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
