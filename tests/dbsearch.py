"""Search every table for a string: where does a secret end up in the database?"""

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast


def rows_containing(text: str) -> list[str]:
    """Return "app_label.Model.field" for every text or JSON column of every model (history
    tables, the admin log and sessions included) that holds `text` in some row."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        manager = model._base_manager
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                hit = manager.filter(**{f"{field.attname}__contains": text}).exists()
            elif isinstance(field, models.JSONField):
                hit = (
                    manager.annotate(_as_text=Cast(field.attname, models.TextField()))
                    .filter(_as_text__contains=text)
                    .exists()
                )
            else:
                continue
            if hit:
                found.append(f"{model._meta.label}.{field.name}")
    return found
