"""Foreign keys that a longer index leads with have no index of their own: a prepared
statement's generic plan then reads a page of the largest issue's comments, or of a
meeting's agenda, in order from the longer index instead of sorting all of them."""

import pytest
from django.db import connection

from feedback.models import Comment, IssueEvent, PracticeIssue
from forums.models import AgendaItem, Meeting
from members.models import Notification

pytestmark = pytest.mark.django_db

LED_BY = [
    (Comment, "issue", "comment_issue_time_idx"),
    (IssueEvent, "issue", "event_issue_time_idx"),
    (PracticeIssue, "current_forum", "issue_forum_newest_idx"),
    (PracticeIssue, "raised_by", "issue_submitter_recent_idx"),
    (AgendaItem, "meeting", "agendaitem_meeting_order_idx"),
    (Meeting, "forum", "meeting_forum_start_idx"),
    (Notification, "recipient", "notification_newest_idx"),
]


@pytest.mark.parametrize(("model", "field", "leading"), LED_BY)
def test_a_key_led_by_a_longer_index_has_no_index_of_its_own(model, field, leading):
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexes = {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"]
    }

    assert indexes[leading][0] == column
    assert [name for name, columns in indexes.items() if columns == [column]] == []
