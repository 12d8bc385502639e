"""The Celery application: configured from Django settings, tasks found in each app."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings")

app = Celery("cop_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(weak=False)
def _name_the_task_in_logs(task_id=None, task=None, **kwargs) -> None:
    # In-process (eager) tasks log under the request that ran them.
    if task is not None and not task.request.is_eager:
        from operations.logs import task_context

        task_context(task_id)
