"""The Celery application: configured from Django settings, tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings")

app = Celery("cop_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
