"""Human names of message kinds for the staff pages (outbox list, detail, a meeting's outbox).

A kind (`gremium.meeting.cancel`) is a stable key in the outbox; staff read its label
("Absage einer Sitzung"). Each app registers the labels of its kinds in AppConfig.ready():

    register_message_kinds({"gremium.meeting.cancel": _("Absage einer Sitzung"), ...})

notifications never imports a domain app; a kind without a label shows as its key.
"""

from collections.abc import Mapping

_labels: dict[str, str] = {}


def register_message_kinds(labels: Mapping[str, str]) -> None:
    """Register {kind: label} (labels lazily translated, gettext_lazy)."""
    _labels.update(labels)


def kind_label(kind: str) -> str:
    label = _labels.get(kind)
    return str(label) if label is not None else kind


def kind_labels() -> dict[str, str]:
    return dict(_labels)
