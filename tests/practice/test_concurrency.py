"""Two editors acting on one library item at once: the second waits for the first, then is
told what happened, and the item is replaced once."""

import pytest
from django.db import connection

from practice.choices import GuidanceEventKind, GuidanceStatus
from practice.exceptions import GuidanceRefused
from practice.models import GuidanceEvent
from practice.services import supersede_guidance
from tests.concurrency import while_locked
from tests.factories.members import UserFactory
from tests.factories.practice import GuidanceItemFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_editors_superseding_one_item_at_once_replace_it_once():
    item = GuidanceItemFactory(title="Safety planning 1.0")
    first, second = GuidanceItemFactory(title="1.1"), GuidanceItemFactory(title="2.0")
    editor, colleague = UserFactory(), UserFactory()

    _, outcome = while_locked(
        lambda: supersede_guidance(item, successor=first, by=editor),
        lambda: supersede_guidance(item, successor=second, by=colleague),
        lambda: None,
    )

    [refused] = outcome
    assert isinstance(refused, GuidanceRefused)
    item.refresh_from_db()
    assert (item.status, item.superseded_by) == (GuidanceStatus.SUPERSEDED, first)
    assert GuidanceEvent.objects.filter(item=item, kind=GuidanceEventKind.SUPERSEDED).count() == 1


def test_two_editors_superseding_two_items_by_each_other_at_once_leave_no_cycle():
    older, newer = GuidanceItemFactory(title="A"), GuidanceItemFactory(title="B")
    editor, colleague = UserFactory(), UserFactory()

    _, outcome = while_locked(
        lambda: supersede_guidance(older, successor=newer, by=editor),
        lambda: supersede_guidance(newer, successor=older, by=colleague),
        lambda: None,
    )

    [refused] = outcome
    assert isinstance(refused, GuidanceRefused)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.superseded_by, newer.superseded_by) == (newer, None)
    assert newer.status == GuidanceStatus.CURRENT
