"""Follow the internal links of pages as one user and report every link that does not work.

    broken = crawl(client, ["/", "/dashboard/"], depth=2)
    assert not broken, format_broken(broken)

A link works when a GET, following redirects inside the site, does not end in 403, 404 or 500:
a page must not show a link its reader cannot open. Forms (POST targets) are not followed.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

# Links that end the session or leave the reader's part of the site on purpose.
DEFAULT_SKIP = ("/accounts/logout/", "/admin/", "/i18n/", "/static/", "/media/")
BROKEN_STATUSES = {403, 404, 500}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str, base: str) -> list[str]:
    """The internal paths (with query, without fragment) that a page links to."""
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
            continue
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path:
            paths.append(path)
    return paths


def _get(client, path):
    response = client.get(path)
    hops = 0
    while response.status_code in (301, 302, 303, 307, 308) and hops < 5:
        target = urlsplit(response["Location"])
        if target.netloc not in ("", "testserver"):
            return response
        response = client.get(target.path + (f"?{target.query}" if target.query else ""))
        hops += 1
    return response


def crawl(client, start_paths, *, depth: int = 1, skip=DEFAULT_SKIP, limit: int = 400):
    """Visit start_paths and the links they show, `depth` links deep.

    Return {path: (status, page that linked it)} for every visited path that answered 403, 404
    or 500. A start page must answer 200 itself.
    """
    seen: dict[str, str] = {}
    broken: dict[str, tuple] = {}
    queue = deque((path, 0, "(start)") for path in start_paths)
    for path in start_paths:
        seen[path] = "(start)"
    visited = 0
    while queue and visited < limit:
        path, level, source = queue.popleft()
        visited += 1
        response = _get(client, path)
        status = response.status_code
        if status in BROKEN_STATUSES or (source == "(start)" and status != 200):
            broken[path] = (status, source)
            continue
        content_type = response.get("Content-Type", "")
        if level >= depth or "text/html" not in content_type:
            continue
        html = response.content.decode(response.charset or "utf-8", errors="replace")
        for link in links_of(html, path):
            if link in seen or link.startswith(skip):
                continue
            seen[link] = path
            queue.append((link, level + 1, path))
    return broken


def format_broken(broken: dict) -> str:
    return "\n".join(
        f"{status} {path}  (linked from {source})" for path, (status, source) in broken.items()
    )


def html_pages(client, start_paths, *, depth: int = 1, skip=DEFAULT_SKIP, limit: int = 400):
    """One reachable HTML page per view (URL name): the start pages and what they link to,
    `depth` links deep, as the client's user sees them. For walks that check every kind of page
    once, e.g. in the browser."""
    from django.urls import Resolver404, resolve

    pages: dict[str, str] = {}
    seen = set(start_paths)
    queue = deque((path, 0) for path in start_paths)
    visited = 0
    while queue and visited < limit:
        path, level = queue.popleft()
        try:
            view = resolve(urlsplit(path).path).view_name
        except Resolver404:
            continue
        if view in pages and level > 0:
            continue
        visited += 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.setdefault(view, path)
        if level >= depth:
            continue
        html = response.content.decode(response.charset or "utf-8", errors="replace")
        for link in links_of(html, path):
            if link not in seen and not link.startswith(skip):
                seen.add(link)
                queue.append((link, level + 1))
    return list(pages.values())
