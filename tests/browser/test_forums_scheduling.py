"""A facilitator schedules a monthly series in the browser; the pages pass axe-core."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from forums.models import Meeting

from .conftest import DEMO_ACCOUNTS, axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_facilitator_schedules_monthly_series_of_six_and_sees_it(page, demo_data, axe_source):
    first_day = dt.date(timezone.localdate().year + 2, 1, 1)
    sign_in(page, DEMO_ACCOUNTS["facilitator"])

    page.goto("/forums/northern-cfsn/")
    page.get_by_role("link", name="Schedule a meeting").click()
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Title").fill("Northern CFSN planning series")
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Place").fill("Northern Community Hub")
    page.get_by_role("combobox", name=re.compile(r"^Repeat")).select_option("monthly_nth")
    page.get_by_label("Which weekday of the month").select_option("2")
    page.get_by_label("Weekday", exact=True).select_option("1")
    page.get_by_label("Or: number of meetings").fill("6")
    page.get_by_label("Published: members see it now").check()
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()

    meetings = list(Meeting.objects.filter(title="Northern CFSN planning series"))
    assert len(meetings) == 6
    assert {timezone.localtime(m.start).weekday() for m in meetings} == {1}
    assert "Scheduled 6 meetings of Northern CFSN: published." in page.content()

    page.goto("/forums/meetings/?forum=" + str(meetings[0].forum_id) + "&when=upcoming")
    assert page.get_by_role("link", name="Northern CFSN planning series").count() >= 1
    assert axe_violations(page, axe_source) == []

    page.goto("/forums/northern-cfsn/")
    assert page.get_by_role("link", name="Northern CFSN planning series").count() >= 1
    assert axe_violations(page, axe_source) == []
    assert page.console_errors == []
