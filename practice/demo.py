"""Demo data for the practice library: a year of items added, reviewed and superseded
through the services, each on the demo's clock (members/demo.py `at`).

Running it again changes nothing: an item is found by its title and version first.
"""

import datetime as dt
from html import escape

from django.core.files.base import ContentFile
from django.utils import timezone

from members.demo import ACCOUNTS_OPENED, at
from members.models import PracticeArea, User

from .choices import GuidanceStatus, GuidanceType
from .models import GuidanceItem, PracticeLead
from .services import add_guidance, mark_reviewed, publish_new_version, start_review

# title, version, type, practice area slugs, owner, days ago added, days to review, source
# (a link, or "pdf"/"txt" for a file made here), summary
ITEMS = [
    (
        "Information sharing guidelines for child wellbeing and safety",
        "3.1",
        GuidanceType.GUIDANCE,
        ["child-protection", "family-violence"],
        "executive@example.org",
        320,
        540,
        "pdf",
        "When and how practitioners share information to promote a child's wellbeing or "
        "safety, with worked examples across government and non-government services.",
    ),
    (
        "Family violence risk assessment framework",
        "2024",
        GuidanceType.FRAMEWORK,
        ["family-violence"],
        "facilitator@example.org",
        300,
        200,
        "https://example.org/library/family-violence-risk-framework",
        "The shared framework for identifying, assessing and managing family violence risk, "
        "including the levels of assessment each role is expected to complete.",
    ),
    (
        "Safety planning with children and young people",
        "1.2",
        GuidanceType.TOOL,
        ["children-and-families", "family-violence"],
        "practitioner@example.org",
        280,
        230,
        "txt",
        "A practical safety planning tool for working directly with children and young "
        "people, with prompts suited to different ages.",
    ),
    (
        "Cultural safety in practice with Aboriginal families",
        "2.0",
        GuidanceType.GUIDANCE,
        ["aboriginal-children-and-families"],
        "executive@example.org",
        250,
        500,
        "https://example.org/library/cultural-safety",
        "Principles and practice for culturally safe work with Aboriginal children and "
        "families, developed with Aboriginal community-controlled organisations.",
    ),
    (
        "Kinship care assessment tool",
        "1.0",
        GuidanceType.TOOL,
        ["aboriginal-children-and-families", "child-protection"],
        "facilitator@example.org",
        230,
        500,
        "pdf",
        "A structured assessment for kinship carers that puts family and culture first.",
    ),
    (
        "Working with families where a parent has a disability",
        "1.1",
        GuidanceType.GUIDANCE,
        ["disability", "children-and-families"],
        "executive@example.org",
        200,
        500,
        "https://example.org/library/parents-with-disability",
        "Adjusting assessment and support for parents with a disability, and where to find "
        "specialist advice.",
    ),
    (
        "Trauma-informed practice: an introduction",
        "1.0",
        GuidanceType.LEARNING,
        ["children-and-families", "mental-health"],
        "executive@example.org",
        180,
        500,
        "https://example.org/library/trauma-informed-introduction",
        "A self-paced learning module on how trauma shapes behaviour and relationships, and "
        "what trauma-informed practice looks like day to day.",
    ),
    (
        "Housing pathways for families leaving violence",
        "1.0",
        GuidanceType.GUIDANCE,
        ["housing", "family-violence"],
        "executive@example.org",
        150,
        500,
        "txt",
        "Emergency, transitional and long-term housing options for families leaving "
        "violence, and how to refer to each.",
    ),
    (
        "Alcohol and other drugs screening in family work",
        "1.0",
        GuidanceType.TOOL,
        ["alcohol-and-other-drugs", "children-and-families"],
        "executive@example.org",
        120,
        500,
        "https://example.org/library/aod-screening",
        "A short screening tool and conversation guide for raising alcohol and other drug use "
        "with parents.",
    ),
    (
        "Supervision framework for child and family practitioners",
        "2.0",
        GuidanceType.FRAMEWORK,
        ["child-protection", "children-and-families"],
        "executive@example.org",
        90,
        500,
        "https://example.org/library/supervision-framework",
        "Reflective supervision for practitioners across the system: frequency, structure "
        "and the record kept.",
    ),
    (
        "Cross-agency case conferences: a practice guide",
        "1.0",
        GuidanceType.LEARNING,
        ["child-protection", "family-violence", "housing"],
        "executive@example.org",
        60,
        500,
        "https://example.org/library/case-conferences",
        "How to prepare, chair and record a case conference with government and "
        "non-government partners.",
    ),
]

# The guidance that the newer version below replaced.
EARLIER_VERSION = (
    "Responding to cumulative harm",
    "1.0",
    GuidanceType.GUIDANCE,
    ["child-protection", "children-and-families"],
    "executive@example.org",
    340,
    365,
    "https://example.org/library/cumulative-harm-2025",
    "Recognising and responding to the cumulative effect of patterns of harm on a child's "
    "safety and development.",
)
NEWER_VERSION = ("2.0", 70, "https://example.org/library/cumulative-harm")


def _file(title: str, source: str) -> ContentFile:
    stem = title.lower().replace(" ", "-").replace(":", "")[:40]
    text = (
        f"{title}\n\nDemo copy of a practice library item. The full document is held by the "
        "Office of Professional Practice.\n"
    )
    if source == "txt":
        return ContentFile(text.encode(), name=f"{stem}.txt")
    # Laid out as PDF by the same engine that prints the portal's papers.
    from weasyprint import HTML

    html = f"<h1>{escape(title)}</h1><p>{escape(text.split(chr(10), 2)[2])}</p>"
    return ContentFile(HTML(string=html).write_pdf(), name=f"{stem}.pdf")


def _add(spec, *, users, areas, admin, now) -> GuidanceItem:
    title, version, kind, area_slugs, owner, days_ago, review_days, source, summary = spec
    found = GuidanceItem.objects.filter(title=title, version=version).first()
    if found is not None:
        return found
    added = now - dt.timedelta(days=days_ago)
    is_link = source.startswith("https://")
    with at(added):
        return add_guidance(
            by=admin,
            title=title,
            summary=summary,
            kind=kind,
            owner=users[owner],
            version=version,
            published_on=added.date(),
            review_by=added.date() + dt.timedelta(days=review_days),
            practice_areas=[areas[slug] for slug in area_slugs if slug in areas],
            url=source if is_link else "",
            file=None if is_link else _file(title, source),
        )


def seed() -> None:
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    admin = users.get("admin@example.org")
    if admin is None:
        return
    areas = {area.slug: area for area in PracticeArea.objects.all()}
    now = timezone.now()
    made = {spec[0]: _add(spec, users=users, areas=areas, admin=admin, now=now) for spec in ITEMS}
    # A review the owner has started and not yet finished.
    under_review = made["Working with families where a parent has a disability"]
    if under_review.status == GuidanceStatus.CURRENT and not under_review.events.filter(
        kind="review_started"
    ):
        with at(now - dt.timedelta(days=20)):
            start_review(
                under_review,
                by=under_review.owner,
                note="Checking the referral contacts for specialist advice.",
            )
    # A review done on time.
    reviewed = made["Information sharing guidelines for child wellbeing and safety"]
    if not reviewed.events.filter(kind="reviewed").exists():
        with at(now - dt.timedelta(days=40)):
            mark_reviewed(
                reviewed,
                by=reviewed.owner,
                review_by=(now + dt.timedelta(days=365)).date(),
                note="Checked against the amended legislation: no change needed.",
            )
    # One item replaced by a newer version, which readers of the old one are pointed to.
    earlier = _add(EARLIER_VERSION, users=users, areas=areas, admin=admin, now=now)
    version, days_ago, url = NEWER_VERSION
    if not earlier.is_superseded:
        published = now - dt.timedelta(days=days_ago)
        with at(published):
            publish_new_version(
                earlier,
                by=admin,
                title=earlier.title,
                summary=earlier.summary,
                kind=earlier.kind,
                owner=earlier.owner,
                version=version,
                published_on=published.date(),
                review_by=published.date() + dt.timedelta(days=365),
                practice_areas=list(earlier.practice_areas.all()),
                url=url,
            )
    seed_leads()


# Practice areas and their leads (principal practitioners), named by administrators when
# the demo's accounts were opened.
LEADS = [
    ("aboriginal-children-and-families", "lead@example.org"),
    ("children-and-families", "lead@example.org"),
]


def seed_leads() -> None:
    """The demo's practice leads, from before the year of issues they were told about."""
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    areas = {area.slug: area for area in PracticeArea.objects.all()}
    since = timezone.now() - ACCOUNTS_OPENED
    for slug, email in LEADS:
        if slug in areas and email in users:
            PracticeLead.objects.get_or_create(
                user=users[email], practice_area=areas[slug], defaults={"since": since}
            )
