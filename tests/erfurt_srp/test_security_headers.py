"""Content-Security-Policy and Permissions-Policy on the pages, and templates that keep to them."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/beteiligung/", "/standorte/"]
)
def test_pages_send_csp_without_inline_script_or_style(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_pages_send_a_permissions_policy(client, db):
    header = client.get(reverse("home"))["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_logged_in_pages_send_the_policy_too(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _served_templates():
    """HTML templates of pages (PDF sources rendered by WeasyPrint are not served)."""
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "pdf" in path.name or "pdf" in path.parent.name:
            continue
        yield path


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def test_templates_have_no_inline_script_handler_or_style():
    found = []
    for path in _served_templates():
        text = path.read_text()
        for name, pattern in [
            ("script", INLINE_SCRIPT),
            ("handler", INLINE_HANDLER),
            ("style", INLINE_STYLE),
        ]:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: inline {name}")
    assert found == []
