import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_comment(text: str) -> str:
    """Return comment text safe to render: only simple inline tags, no scripts or handlers."""
    return nh3.clean(
        text.strip(),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


_LINK = re.compile(r"<a\s|https?://|www\.|\b[\w-]+\.(?:de|com|net|org|info|ru|io|biz)\b", re.I)


def contains_link(text: str) -> bool:
    """Whether the text holds a link or something that reads as a web address."""
    return bool(_LINK.search(text or ""))
