"""The change list's filters: by state as an editor thinks of it, and by the most used topics."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from .. import roles
from ..models import Status, Tag, published_condition


class StateFilter(admin.SimpleListFilter):
    """The state as an editor thinks of it; "Needs review" is the editors' queue."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "Needs review"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        chosen = {
            "draft": Q(status=Status.DRAFT),
            "review": Q(status=Status.IN_REVIEW),
            "scheduled": Q(status=Status.PUBLISHED, published_at__gt=now),
            "published": published_condition(at=now),
        }.get(self.value())
        return queryset.filter(chosen) if chosen else queryset


class WhoseFilter(admin.SimpleListFilter):
    """Whose briefings: a Writer's list opens on their own, an Editor's on everyone's."""

    title = "whose"
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My briefings"),
            ("returned", "Returned to me"),
            ("in_review", "My briefings in review"),
            ("all", "Everyone’s"),
        ]

    def value(self):
        return super().value() or self.default

    def expected_parameters(self):
        return [self.parameter_name]

    def __init__(self, request, params, model, model_admin):
        self.default = "all" if roles.can_publish(request.user) else "mine"
        self.user = request.user
        super().__init__(request, params, model, model_admin)

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        mine = Q(author=self.user)
        chosen = {
            "mine": mine,
            "returned": mine & Q(status=Status.DRAFT) & ~Q(review_note=""),
            "in_review": mine & Q(status=Status.IN_REVIEW),
        }.get(self.value())
        return queryset.filter(chosen) if chosen else queryset


class MostUsedTagFilter(admin.SimpleListFilter):
    """The most used tags, not all of them: a filter listing 20,000 tags helps nobody.

    Any other tag is found by typing its name in the search box.
    """

    title = "tag"
    parameter_name = "tag"
    shown = 20

    def lookups(self, request, model_admin):
        tags = list(Tag.objects.by_use()[: self.shown])
        chosen = self.value()
        if chosen and chosen not in {tag.slug for tag in tags}:
            tags += Tag.objects.filter(slug=chosen)
        return [(tag.slug, tag.name) for tag in tags]

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset
