from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "erfurt_srp.discussion"
    label = "discussion"
    verbose_name = _("Diskussion")

    def ready(self):
        from erfurt_srp.accounts import personal_data

        from . import my_data

        personal_data.register(
            key="discussion",
            label=_("Kommentare"),
            exporter=my_data.export_comments,
            eraser=my_data.erase_comments,
            order=90,
        )
