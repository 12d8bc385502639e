from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cop_portal.admin import LargeTableAdmin, ReadHere

from .models import Export


@admin.register(Export)
class ExportAdmin(ReadHere, LargeTableAdmin):
    """Exports asked for, to see what became of them; their files are only for the person
    who asked, through the portal's own download."""

    list_display = ["title", "file_format", "requested_by", "status", "created_at", "size"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    # A person's exports are read from their own index.
    search_fields = ["=requested_by__email"]
    search_help_text = _("The email address of the person who asked.")
    exclude = ["file"]
