"""The stamps that name kept filter drawings change with the rows their choices come from."""

import pytest

from cop_portal.filters import choices_stamp
from forums.models import Forum
from members.models import PracticeArea, Region
from tests.factories.forums import ForumFactory
from tests.factories.members import PracticeAreaFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_a_stamp_holds_until_a_row_of_its_table_changes():
    region = RegionFactory(name="Outback")
    first = choices_stamp(Forum, Region)

    again = choices_stamp(Forum, Region)
    PracticeAreaFactory()
    other_table_changed = choices_stamp(Forum, Region)
    region.name = "Far North"
    region.save(update_fields=["name"])
    renamed = choices_stamp(Forum, Region)
    region.delete()
    removed = choices_stamp(Forum, Region)

    assert first == again == other_table_changed
    assert len({first, renamed, removed}) == 3


def test_a_stamp_taken_before_a_change_commits_is_not_kept(django_capture_on_commit_callbacks):
    before = choices_stamp(PracticeArea)

    with django_capture_on_commit_callbacks(execute=True):
        PracticeAreaFactory(name="Disability")
        # A page drawn now still reads the areas as they were.
        during = choices_stamp(PracticeArea)
    after = choices_stamp(PracticeArea)

    assert len({before, during, after}) == 3


def test_a_forum_saved_gives_the_forum_stamp_a_new_value():
    before = choices_stamp(Forum)

    ForumFactory()

    assert choices_stamp(Forum) != before
