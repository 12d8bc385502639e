"""The library items a member owns and the practice areas they lead, for their data download."""

from members.models import User
from members.personal_data import register_section, stamp

from .models import GuidanceItem, PracticeLead


def owned_guidance(user: User) -> list[dict]:
    return [
        {
            "title": item.title,
            "version": item.version,
            "type": item.get_kind_display(),
            "status": item.get_status_display(),
            "published": item.published_on.isoformat(),
            "review_by": item.review_by.isoformat(),
        }
        for item in GuidanceItem.objects.filter(owner=user).order_by("title", "id")
    ]


def practice_areas_led(user: User) -> list[dict]:
    return [
        {"practice_area": lead.practice_area.name, "since": stamp(lead.since)}
        for lead in PracticeLead.objects.filter(user=user)
        .select_related("practice_area")
        .order_by("practice_area__name", "id")
    ]


def register() -> None:
    register_section("library_items_owned", owned_guidance)
    register_section("practice_areas_led", practice_areas_led)
