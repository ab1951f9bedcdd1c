"""Helpers shared by the vote and statement-round views."""

from django.apps import apps
from django.http import Http404

from ..permissions import subject_visibility

PAGE_SIZE = 25


def subject_from_request(request):
    """Resolve ?ct=app_label.model&id=pk to an object: 404 when it does not exist or its model
    is not a possible subject of votes and statement rounds (subject_visibility)."""
    ct = request.GET.get("ct") or request.POST.get("ct") or ""
    object_id = request.GET.get("id") or request.POST.get("id") or ""
    try:
        app_label, model_name = ct.split(".", 1)
        model = apps.get_model(app_label, model_name)
    except (ValueError, LookupError):
        raise Http404
    if not subject_visibility.accepts(model):
        raise Http404
    try:
        subject = model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError):
        subject = None
    if subject is None:
        raise Http404
    return subject, ct, object_id
