"""Changes to the practice guidance library: each one atomic, locking its rows, writing one
GuidanceEvent and telling people after commit."""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from members.choices import NotificationKind
from members.files import file_type_problem
from members.models import User
from members.selectors import administrators
from members.services import notify, notify_many
from members.validators import link_text, no_identifying_details

from .choices import GuidanceEventKind, GuidanceStatus
from .exceptions import GuidanceRefused
from .models import GuidanceEvent, GuidanceItem, PracticeLead


def allowed_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.RESOURCE_ALLOWED_EXTENSIONS]


def upload_problem(upload: UploadedFile) -> str | None:
    """What stops this file joining the library (type, size or contents), in a sentence."""
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in allowed_extensions():
        return gettext(
            "Files of type .%(extension)s cannot be uploaded. Allowed types: %(types)s."
        ) % {
            "extension": extension or gettext("(none)"),
            "types": ", ".join(allowed_extensions()),
        }
    limit = settings.RESOURCE_MAX_UPLOAD_MB
    if upload.size is not None and upload.size > limit * 1024 * 1024:
        return gettext("The file is %(size).1f MB; the limit is %(limit)s MB.") % {
            "size": upload.size / (1024 * 1024),
            "limit": limit,
        }
    return file_type_problem(upload, extension)


def _guard(**texts: str) -> None:
    """Refuse identifying details in any of the texts, naming the field they were found in."""
    for field, text in texts.items():
        try:
            no_identifying_details(text)
        except ValidationError as found:
            raise GuidanceRefused(" ".join(found.messages), field=field) from found


def _check_source(url: str, file: UploadedFile | None) -> None:
    if bool(url) == bool(file):
        raise GuidanceRefused(gettext("A library item is either a link or a file."))
    if file and (problem := upload_problem(file)):
        raise GuidanceRefused(problem, field="file")


def _check_dates(published_on: dt.date, review_by: dt.date) -> None:
    if review_by <= published_on:
        raise GuidanceRefused(
            gettext("The review date must come after the publication date."), field="review_by"
        )


def _is_new_source(item: GuidanceItem, url: str, file: UploadedFile | None) -> bool:
    return bool(file) or (bool(url) and url != item.url)


def _locked(item: GuidanceItem) -> GuidanceItem:
    return GuidanceItem.objects.select_for_update().get(pk=item.pk)


def _refuse_if_superseded(item: GuidanceItem) -> None:
    if item.is_superseded:
        raise GuidanceRefused(
            gettext("“%(item)s” has been superseded, so it can no longer be changed.")
            % {"item": item}
        )


def _record(item: GuidanceItem, *, by, kind: str, note: str = "") -> GuidanceEvent:
    return GuidanceEvent.objects.create(item=item, actor=by, kind=kind, note=note)


def _tell_owner(item: GuidanceItem, *, by, subject: str, body: str) -> None:
    """The item's owner hears of a change someone else made."""
    if by is not None and item.owner_id == by.pk:
        return
    notify(
        item.owner,
        subject=subject,
        body=body,
        url=item.get_absolute_url(),
        kind=NotificationKind.PRACTICE,
    )


@transaction.atomic
def add_guidance(
    *,
    by,
    title: str,
    kind: str,
    owner,
    version: str,
    published_on: dt.date,
    review_by: dt.date,
    summary: str = "",
    practice_areas: Iterable = (),
    url: str = "",
    file: UploadedFile | None = None,
) -> GuidanceItem:
    """Add a file or a link to the library, current until its review date.

    The owner hears of it when someone else names them."""
    _guard(title=title, summary=summary, url=link_text(url))
    _check_source(url, file)
    _check_dates(published_on, review_by)
    item = GuidanceItem(
        title=title,
        summary=summary,
        kind=kind,
        owner=owner,
        version=version,
        url=url,
        published_on=published_on,
        review_by=review_by,
        created_by=by,
    )
    if file:
        item.file = file
    item.save()
    item.practice_areas.set(practice_areas)
    _record(item, by=by, kind=GuidanceEventKind.ADDED, note=str(item))
    _tell_owner(
        item,
        by=by,
        subject=gettext("You own a library item: %(item)s") % {"item": item},
        body=gettext(
            "%(person)s added “%(item)s” to the practice library and named you its owner. "
            "You will be reminded to review it by %(date)s."
        )
        % {"person": by, "item": item, "date": date_format(review_by)},
    )
    return item


def check_guidance_change(
    item: GuidanceItem,
    *,
    title: str,
    review_by: dt.date,
    summary: str = "",
    url: str = "",
    file: UploadedFile | None = None,
) -> None:
    """Raise GuidanceRefused, naming the field, for details change_guidance would refuse:
    a superseded item, identifying details, a file or link it cannot take, dates out of order."""
    _refuse_if_superseded(item)
    _guard(title=title, summary=summary, url=link_text(url))
    if _is_new_source(item, url, file):
        _check_source(url, file)
    _check_dates(item.published_on, review_by)


@transaction.atomic
def change_guidance(
    item: GuidanceItem,
    *,
    by,
    title: str,
    kind: str,
    owner,
    version: str,
    review_by: dt.date,
    summary: str = "",
    practice_areas: Iterable = (),
    url: str = "",
    file: UploadedFile | None = None,
) -> GuidanceItem:
    """Change an item's details; a new file or link is recorded as NEW_FILE, anything else as
    CHANGED. A superseded item is not changed, and a new owner hears of it."""
    item = _locked(item)
    check_guidance_change(
        item, title=title, review_by=review_by, summary=summary, url=url, file=file
    )
    new_source = _is_new_source(item, url, file)
    previous_owner = item.owner_id
    item.title, item.summary, item.kind = title, summary, kind
    item.owner, item.version, item.review_by = owner, version, review_by
    fields = ["title", "summary", "kind", "owner", "version", "review_by", "updated_at"]
    if new_source:
        item.url = url if not file else ""
        item.file = file if file else ""
        fields += ["url", "file"]
    item.save(update_fields=fields)
    item.practice_areas.set(practice_areas)
    _record(
        item,
        by=by,
        kind=GuidanceEventKind.NEW_FILE if new_source else GuidanceEventKind.CHANGED,
        note=str(item),
    )
    if item.owner_id != previous_owner:
        _tell_owner(
            item,
            by=by,
            subject=gettext("You own a library item: %(item)s") % {"item": item},
            body=gettext("%(person)s named you the owner of “%(item)s”.")
            % {"person": by, "item": item},
        )
    return item


@transaction.atomic
def start_review(item: GuidanceItem, *, by, note: str = "") -> GuidanceItem:
    """A current item goes under review; readers see it is being looked at."""
    item = _locked(item)
    _refuse_if_superseded(item)
    if item.status != GuidanceStatus.CURRENT:
        raise GuidanceRefused(gettext("“%(item)s” is already under review.") % {"item": item})
    _guard(note=note)
    item.status = GuidanceStatus.UNDER_REVIEW
    item.save(update_fields=["status", "updated_at"])
    _record(item, by=by, kind=GuidanceEventKind.REVIEW_STARTED, note=note)
    return item


@transaction.atomic
def mark_reviewed(
    item: GuidanceItem, *, by, review_by: dt.date, note: str = "", today: dt.date | None = None
) -> GuidanceItem:
    """Reviewed and kept: current again until a new review date, which must be in the future."""
    item = _locked(item)
    _refuse_if_superseded(item)
    today = today or timezone.localdate()
    if review_by <= today:
        raise GuidanceRefused(gettext("The next review date must be in the future."))
    _guard(note=note)
    item.status = GuidanceStatus.CURRENT
    item.review_by = review_by
    item.save(update_fields=["status", "review_by", "updated_at"])
    _record(
        item,
        by=by,
        kind=GuidanceEventKind.REVIEWED,
        note=note or gettext("Next review by %(date)s.") % {"date": date_format(review_by)},
    )
    return item


@transaction.atomic
def supersede_guidance(item: GuidanceItem, *, successor: GuidanceItem, by) -> GuidanceItem:
    """The item is replaced by its successor, which must itself be in force; readers of the
    old item are pointed to the new one. Its owner hears of it."""
    # Lock both in id order, so two people superseding in opposite directions cannot deadlock.
    locked = {
        row.pk: row
        for row in GuidanceItem.objects.select_for_update()
        .filter(pk__in=[item.pk, successor.pk])
        .order_by("pk")
    }
    item, successor = locked[item.pk], locked.get(successor.pk, successor)
    _refuse_if_superseded(item)
    if successor.pk == item.pk:
        raise GuidanceRefused(gettext("An item cannot supersede itself."))
    if successor.is_superseded:
        raise GuidanceRefused(
            gettext("“%(item)s” has itself been superseded; choose the newest version.")
            % {"item": successor}
        )
    item.status = GuidanceStatus.SUPERSEDED
    item.superseded_by = successor
    item.save(update_fields=["status", "superseded_by", "updated_at"])
    _record(
        item,
        by=by,
        kind=GuidanceEventKind.SUPERSEDED,
        note=gettext("Superseded by %(item)s.") % {"item": successor},
    )
    _tell_owner(
        item,
        by=by,
        subject=gettext("Superseded: %(item)s") % {"item": item},
        body=gettext("%(person)s marked “%(item)s” as superseded by “%(successor)s”.")
        % {"person": by, "item": item, "successor": successor},
    )
    return item


@transaction.atomic
def publish_new_version(item: GuidanceItem, *, by, **details) -> GuidanceItem:
    """Add the new version of an item and supersede the old one with it, together or not at
    all. `details` are add_guidance's; returns the new version."""
    _refuse_if_superseded(_locked(item))
    successor = add_guidance(by=by, **details)
    supersede_guidance(item, successor=successor, by=by)
    return successor


def send_review_reminders(today: dt.date | None = None) -> int:
    """Tell each owner of an item whose review date has come, once per item and review date
    (a REVIEW_REMINDED event naming the date). Safe to run twice or at once."""
    today = today or timezone.localdate()
    due = (
        GuidanceItem.objects.filter(
            status__in=(GuidanceStatus.CURRENT, GuidanceStatus.UNDER_REVIEW),
            review_by__lte=today,
        )
        .order_by("review_by", "id")
        .values_list("pk", flat=True)
    )
    return sum(_remind(pk, today) for pk in list(due))


@transaction.atomic
def _remind(pk: int, today: dt.date) -> int:
    item = (
        GuidanceItem.objects.select_for_update()
        .select_related("owner")
        .filter(pk=pk, status__in=(GuidanceStatus.CURRENT, GuidanceStatus.UNDER_REVIEW))
        .first()
    )
    if item is None or item.review_by > today:
        return 0
    stamp = item.review_by.isoformat()
    if item.events.filter(kind=GuidanceEventKind.REVIEW_REMINDED, note=stamp).exists():
        return 0
    _record(item, by=None, kind=GuidanceEventKind.REVIEW_REMINDED, note=stamp)
    due = gettext("“%(item)s” was due for review by %(date)s.") % {
        "item": item,
        "date": date_format(item.review_by),
    }
    if item.owner.is_active:
        notify(
            item.owner,
            subject=gettext("Review due: %(item)s") % {"item": item},
            body=f"{due} "
            + gettext("Review it and keep it current, start a review, or publish a new version."),
            url=item.get_absolute_url(),
            kind=NotificationKind.PRACTICE,
        )
        return 1
    # Its owner has left the portal: the leads of its practice areas, who may review it,
    # are told instead, or, if it has none, the administrators.
    leads = User.objects.filter(
        is_active=True,
        pk__in=PracticeLead.objects.filter(
            practice_area__in=item.practice_areas.values("pk")
        ).values("user"),
    ).order_by("pk")
    notify_many(
        list(leads) or administrators(),
        subject=gettext("Review due, and its owner has left: %(item)s") % {"item": item},
        body=f"{due} "
        + gettext(
            "Its owner, %(owner)s, has left the portal: review it and keep it current, start "
            "a review, or publish a new version."
        )
        % {"owner": item.owner},
        url=item.get_absolute_url(),
        kind=NotificationKind.PRACTICE,
    )
    return 1
