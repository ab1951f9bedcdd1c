"""Status badges state a status and must not look like buttons (static/css/site.css)."""

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def _rule(css: str, selector: str) -> dict[str, str]:
    """The declarations of the first rule whose selector list contains `selector`."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            return {
                name.strip(): value.strip()
                for name, _sep, value in (d.partition(":") for d in body.split(";"))
                if name.strip()
            }
    raise AssertionError(f"no rule for {selector}")


def test_badges_have_no_button_border_shadow_or_pointer():
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    badge, button = _rule(css, ".badge"), _rule(css, ".button")
    assert badge.get("border") in ("0", "none")
    assert badge.get("box-shadow", "none") == "none"
    assert badge.get("cursor") == "default"
    assert badge["border-radius"] != button["border-radius"]
    assert badge.get("background") != button.get("background")
    # no other rule gives a badge a border back
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if ".badge" in selectors:
            assert not re.search(r"border(-width)?\s*:\s*[1-9]", body), selectors
