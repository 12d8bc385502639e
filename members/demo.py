"""The demo's clock: seed_demo walks a year of loop traffic through the services, each
step at the moment it happened, so every timestamp they write (events, referrals,
responses, progress, notifications) is that moment's and every duration is real.

Why a clock rather than moving timestamps back afterwards: the services decide by the time
(an issue is placed only on a meeting still to come, outcomes only at one that has started,
a response goes back to the CFSN's first meeting after it) and write dates into notes and
minutes, so a step run today and back-dated would be refused, land on today's meetings, or
tell the wrong date. Run at its own moment, each step is what real use at that moment writes.

Demo data only: seed_demo refuses to run in production, and the clock is set only inside
`at()`, one step at a time, in a single management command process.
"""

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator

from django.utils import timezone

# The demo's accounts, forums and members date from this long before the seed runs.
ACCOUNTS_OPENED = dt.timedelta(days=400)


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as at `moment`: `timezone.now()` (which auto_now_add, the services'
    checks and `timezone.localdate()` all read) returns it, one microsecond later on each
    call, so rows written in one step keep the order they were written in."""
    ticks = itertools.count()
    real_now = timezone.now

    def now() -> dt.datetime:
        return moment + dt.timedelta(microseconds=next(ticks))

    timezone.now = now
    try:
        yield
    finally:
        timezone.now = real_now
