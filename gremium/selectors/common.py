"""Helpers shared by the vote and statement-round selectors: subjects and visible pages."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import prefetch_related_objects

from ..permissions import (
    subject_visibility,
)


def subject_filter(subject) -> dict:
    return {
        "subject_type": ContentType.objects.get_for_model(subject),
        "subject_id": str(subject.pk),
    }


def visible_page(user, objects, check) -> list:
    """Drop the objects whose subject the user cannot see (the subjects are read here)."""
    [page] = visible_pages(user, (objects, check))
    return page


def visible_pages(user, *pages) -> list[list]:
    """visible_page for several (objects, check) pairs, e.g. a page of votes and one of statement
    rounds: the subjects of all of them are read together, one query per subject model.

    Votes and statement rounds name their subject alike (`subject` on subject_type and
    subject_id), so one GenericPrefetch over both lists fills each object's subject."""
    lists = [list(objects) for objects, _check in pages]
    prefetch_related_objects(
        [obj for objects in lists for obj in objects],
        GenericPrefetch("subject", subject_visibility.prefetch_querysets()),
    )
    return [
        [obj for obj in objects if check(user, obj)]
        for objects, (_objects, check) in zip(lists, pages, strict=True)
    ]
