"""Personal data in the admin's change log (django_admin_log).

Each entry keeps the object's str() at the time (`object_repr`, often a name or an e-mail
address) and the changed field names or values (`change_message`). Retention jobs that delete
or anonymise objects call scrub_admin_log for them, so the log keeps that something was changed,
by whom and when, but no longer whom it was about.
"""

from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType


def scrub_admin_log(model, pks: Iterable) -> int:
    """Clear object_repr and change_message of the log entries of these objects of `model`.

    Return how many entries were cleared.
    """
    object_ids = sorted({str(pk) for pk in pks})
    if not object_ids:
        return 0
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return (
        LogEntry.objects.filter(content_type=content_type, object_id__in=object_ids)
        .exclude(object_repr="", change_message="")
        .update(object_repr="", change_message="")
    )
