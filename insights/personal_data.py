"""The insights app's part of a member's own data: the downloads they asked for."""

from members.models import User
from members.personal_data import register_section, stamp

from .models import Export


def downloads(user: User) -> list[dict]:
    """The registers, reports and papers they asked for, still kept, and what became of each
    (the files themselves are on their downloads page)."""
    return [
        {
            "title": export.title,
            "filters": export.filters_text,
            "format": export.get_file_format_display(),
            "asked": stamp(export.created_at),
            "status": export.get_status_display(),
            "problem": export.problem,
        }
        for export in Export.objects.filter(requested_by=user).order_by("created_at", "id")
    ]


def register() -> None:
    register_section("downloads", downloads)
