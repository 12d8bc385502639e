"""Moments as the portal's pages write them, for pages that write many.

The `date` filter costs about 40 µs a call: it builds a formatter and looks up each name in
the translation catalogue every time. A page of rows (an agenda, a schedule, a timeline)
writes its dates through one LocalTimes instead, which looks each name up once."""

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR


class LocalTimes:
    """Moments in the current time zone and language, written exactly as the `date` filter
    writes these formats: `clock` "g:i a" ("9:30 a.m."), `date` "j M Y", `date_time`
    "j M Y, g:i a", `day_time` "D j M Y, g:i a" and `iso` "c"."""

    def __init__(self):
        self._halves: tuple[str, str] | None = None
        self._months: dict[int, str] = {}
        self._weekdays: dict[int, str] = {}

    def _half(self, hour: int) -> str:
        if self._halves is None:
            self._halves = tuple(dateformat.time_format(dt.time(h), "a") for h in (0, 12))
        return self._halves[hour > 11]

    def _month(self, month: int) -> str:
        if month not in self._months:
            self._months[month] = str(MONTHS_3[month]).title()
        return self._months[month]

    def _weekday(self, weekday: int) -> str:
        if weekday not in self._weekdays:
            self._weekdays[weekday] = str(WEEKDAYS_ABBR[weekday])
        return self._weekdays[weekday]

    def _clock(self, local: dt.datetime) -> str:
        return f"{local.hour % 12 or 12}:{local.minute:02d} {self._half(local.hour)}"

    def clock(self, moment: dt.datetime) -> str:
        return self._clock(timezone.localtime(moment))

    def _date(self, local: dt.datetime) -> str:
        return f"{local.day} {self._month(local.month)} {local.year:04d}"

    def date(self, moment: dt.datetime) -> str:
        return self._date(timezone.localtime(moment))

    def date_time(self, moment: dt.datetime) -> str:
        local = timezone.localtime(moment)
        return f"{self._date(local)}, {self._clock(local)}"

    def day_time(self, moment: dt.datetime) -> str:
        local = timezone.localtime(moment)
        return f"{self._weekday(local.weekday())} {self._date(local)}, {self._clock(local)}"

    def iso(self, moment: dt.datetime) -> str:
        return timezone.localtime(moment).isoformat()
