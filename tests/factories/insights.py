import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from insights.choices import ExportFormat, ExportKind, ExportStatus
from insights.models import Export
from tests.factories.members import UserFactory


class ExportFactory(factory.django.DjangoModelFactory):
    """An issues register asked for and still waiting; `ready=b"..."` makes it prepared, with
    those bytes as its file."""

    class Meta:
        model = Export

    requested_by = factory.SubFactory(UserFactory)
    kind = ExportKind.ISSUES
    file_format = ExportFormat.CSV
    query = "start=2026-01-01&end=2026-06-30"
    title = "Issues register, 1 January 2026 to 30 June 2026"
    filename = "issues-register-20260101-20260630.csv"
    created_at = factory.LazyFunction(timezone.now)
    queued_at = factory.SelfAttribute("created_at")

    @classmethod
    def _create(cls, model_class, *args, ready=None, **kwargs):
        export = super()._create(model_class, *args, **kwargs)
        if ready is not None:
            export.file.save(f"prepared/{export.filename}", ContentFile(ready), save=False)
            export.status = ExportStatus.READY
            export.size = len(ready)
            export.finished_at = timezone.now()
            export.save()
        return export
