import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erfurt_srp.settings")

app = Celery("erfurt_srp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
