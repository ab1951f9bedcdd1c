"""Helpers shared by the vote and statement-round selectors: subjects and visible pages."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch

from ..permissions import (
    subject_visibility,
)


def subject_filter(subject) -> dict:
    return {
        "subject_type": ContentType.objects.get_for_model(subject),
        "subject_id": str(subject.pk),
    }


def visible_page(user, objects, check) -> list:
    """Drop the objects whose subject the user cannot see; subjects must be prefetched."""
    objects = with_subjects_list(objects)
    return [obj for obj in objects if check(user, obj)]


def with_subjects_list(objects) -> list:
    from django.db.models import prefetch_related_objects

    objects = list(objects)
    prefetch_related_objects(
        objects, GenericPrefetch("subject", subject_visibility.prefetch_querysets())
    )
    return objects
