from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "erfurt_srp.discussion"
    label = "discussion"
    verbose_name = _("Diskussion")
