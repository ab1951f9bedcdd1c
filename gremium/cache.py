"""The content version of gremium's public pages and agenda PDFs (erfurt_srp.core.versioned_cache).

The public calendar, the public meeting pages and the agenda PDFs are the same for everyone who
sees the same things, so they are cached under the namespace's version. Every service that writes
meetings, agendas, papers or minutes calls `content_changed()`; admin edits reach it through
post_save/post_delete (connected in apps.py). The bump happens once the transaction commits.
"""

from erfurt_srp.core import versioned_cache

NAMESPACE = "gremium.content"


def content_changed(*args, **kwargs) -> None:
    versioned_cache.bump(NAMESPACE)
