"""Staff read human names of message kinds, not their keys (notifications.kinds registry,
filled by each app in its AppConfig.ready())."""

import pytest
from django.urls import reverse

from erfurt_srp.notifications.kinds import kind_label

pytestmark = pytest.mark.django_db


def test_every_app_names_its_kinds():
    assert kind_label("gremium.meeting.cancel") == "Absage einer Sitzung"
    assert kind_label("leitlinien.round_invitation") == "Einladung zu einer Beteiligungsrunde"
    assert kind_label("beteiligung.opt_in") == "Anmeldung bestätigen"
    assert kind_label("standorte.export_ready") == "Export fertig"
    assert kind_label("accounts.invitation") == "Einladung zur Plattform"
    assert kind_label("unbekannt.art") == "unbekannt.art"  # no label: the key


def test_outbox_list_detail_and_filter_show_the_human_name(client, staff_user, queue):
    message = queue(kind="gremium.meeting.cancel", subject="Absage: 7. Sitzung")
    client.force_login(staff_user)

    listing = client.get(reverse("notifications:outbox_list")).content.decode()
    detail = client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()

    for page in (listing, detail):
        assert ">Absage einer Sitzung<" in page
        assert ">gremium.meeting.cancel<" not in page
    assert '<option value="gremium.meeting.cancel">Absage einer Sitzung</option>' in listing


def test_every_kind_the_code_queues_has_a_label():
    """A new kind without a label would show its key to staff again: register it in apps.py."""
    import re
    from pathlib import Path

    from django.conf import settings

    from erfurt_srp.notifications.kinds import kind_labels

    root = Path(settings.BASE_DIR)
    literal = r"\"((?:accounts|gremium|leitlinien|standorte|beteiligung)\.[a-z_]+(?:\.[a-z_]+)?)\""
    patterns = [
        re.compile(r"kind ?= ?" + literal),
        re.compile(r"\"kind\": " + literal),
        re.compile(r"_KIND = " + literal),
        re.compile(r"(?:queue_messages|_queue|_queue_bulk)\(\s*" + literal),
        re.compile(r"KINDS[^=]*= \(([^)]*)\)", re.S),
    ]
    found = set()
    for app in ("erfurt_srp", "gremium", "leitlinien", "standorte", "beteiligung"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in patterns[:-1]:
                found.update(pattern.findall(text))
            for group in patterns[-1].findall(text):
                found.update(re.findall(literal, group))
    assert {"gremium.meeting.cancel", "beteiligung.opt_in", "accounts.invitation"} <= found
    assert sorted(found - set(kind_labels())) == []
