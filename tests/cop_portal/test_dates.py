"""Pages that write many dates write them as the date filter would."""

import datetime as dt
import zoneinfo

from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cop_portal.dates import LocalTimes

moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=dt.datetime(2999, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
zones = st.sampled_from(["Australia/Melbourne", "Australia/Perth", "UTC", "Pacific/Chatham"])
FORMATS = {
    "clock": "g:i a",
    "date": "j M Y",
    "date_time": "j M Y, g:i a",
    "day_time": "D j M Y, g:i a",
    "iso": "c",
}


def _filtered(moment: dt.datetime, fmt: str) -> str:
    return Template(f'{{{{ moment|date:"{fmt}" }}}}').render(Context({"moment": moment}))


@settings(max_examples=200, deadline=None)
@given(moment=moments, zone=zones, language=st.sampled_from(["en-au", "en", "de", "fr"]))
def test_each_format_reads_as_the_date_filter_writes_it(moment, zone, language):
    with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
        times = LocalTimes()
        written = {name: getattr(times, name)(moment) for name in FORMATS}
        expected = {name: _filtered(moment, fmt) for name, fmt in FORMATS.items()}

    assert written == expected


def test_a_schedule_row_reads_in_melbourne_time():
    start = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

    with timezone.override(zoneinfo.ZoneInfo("Australia/Melbourne")):
        times = LocalTimes()
        row = (times.day_time(start), times.clock(start + dt.timedelta(hours=2)))

    assert row == ("Mon 2 Mar 2026, 8:30 p.m.", "10:30 p.m.")
