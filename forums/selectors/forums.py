"""A person's forums as other apps' pages list them."""

from dataclasses import dataclass

from django.urls import reverse

from ..choices import Tier
from ..rules import memberships_of


@dataclass(frozen=True)
class ForumLink:
    """A forum as a list of a person's forums shows it."""

    name: str
    url: str
    tier_label: str


def forums_of(user) -> list[ForumLink]:
    """The person's forums by name, from what was read with their roles: no query of its
    own."""
    rows = sorted(memberships_of(user), key=lambda row: (row.name, row.forum_id))
    return [
        ForumLink(
            row.name,
            reverse("forums:forum-detail", kwargs={"slug": row.slug}),
            Tier(row.tier).label,
        )
        for row in rows
    ]
