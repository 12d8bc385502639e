"""Parts of pages kept in the cache, under a name made of all they show.

A forum's agenda, its queue of waiting issues, its meetings and an issue's history cost a
page most of its time to gather and draw, and many people read the same one: a forum's
members its agenda pack, its facilitators its queue. Such a part is kept under a name made
of what it is (the meeting, the page of the queue), the reader's standing where what it
shows depends on it, the reader's language, time zone and day, and the stamps of the forum
or issue it belongs to and of the names shown everywhere. Any change to what a part shows
gives its forum or issue a new stamp (each app's receivers call forget_forum, forget_issue
or forget_names), so a part is drawn afresh after every change and otherwise at most once
per PAGE_PARTS_CACHE_SECONDS. The stamps live in the cache (cop_portal.stamps), so finding
them asks the database nothing. What differs from one reader to another beyond their standing (their
forms, their own answers) is drawn around a kept part, never in it. Each part is drawn
from rows read after its stamps (a view reads its forum, meeting or issue again), so a
change committed while a request was under way is not kept under the new stamp. A stamp
this process could not forget while the cache did not answer is forgotten as soon as it
answers again, and meanwhile this process keeps nothing; other processes may show what they
kept until then, or for PAGE_PARTS_CACHE_SECONDS at most.
"""

import contextlib
import copy
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import get_language

from . import stamps

T = TypeVar("T")

# Bumped whenever what is kept changes shape or markup, so nothing kept by an older
# release is read.
KEPT_FORMAT = 3


# What a kept part belongs to: a forum (its queue, meetings and agendas) or an issue (its
# page's history). Every part also carries the stamp of names shown everywhere (forums,
# regions, practice areas, people and their organisations), which rarely change.
FORUM, ISSUE, NAMES = "forum", "issue", "names"


def _stamp_key(scope: str, pk: int) -> str:
    return f"kept:{scope}-stamp:{pk}"


@dataclass
class _Gathered:
    """What a block of forgetting_once has been told to forget."""

    keys: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Lookups an app asked for (which forums show these issues), each made once, for
    # everything noted under its name, when the block ends.
    noted: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    settle: dict[str, Callable[[list], None]] = field(default_factory=dict)


_GATHERED: ContextVar[_Gathered | None] = ContextVar("kept_gathered", default=None)


@contextlib.contextmanager
def forgetting_once() -> Iterator[None]:
    """For a service that changes many rows in one go (placing a forum's waiting issues on
    an agenda): what its rows' receivers forget is gathered, and forgotten once as the
    block ends (at once, and again once committed, as forget does), each lookup it needs
    made once for them all. Only inside the service's transaction, so that nothing need
    be forgotten if it fails: its changes are undone."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("forgetting_once gathers the forgets of one transaction.")
    if _GATHERED.get() is not None:  # inside another, in the same transaction: it forgets
        yield
        return
    gathered = _Gathered()
    token = _GATHERED.set(gathered)
    try:
        yield
        for name, settle in list(gathered.settle.items()):
            settle(gathered.noted[name])
    finally:
        _GATHERED.reset(token)
    for scope, pks in gathered.keys.items():
        forget(scope, *pks)


def noted_for_later(name: str, values: Iterable[Any], settle: Callable[[list], None]) -> bool:
    """Inside forgetting_once, note `values` to be settled, with all those noted under
    `name`, by one call of `settle` as the block ends, and answer True; outside, False."""
    gathered = _GATHERED.get()
    if gathered is None:
        return False
    gathered.noted[name].extend(values)
    gathered.settle.setdefault(name, settle)
    return True


def forget(scope: str, *pks: int | None) -> None:
    """What these forums' or issues' parts show changed: they are drawn afresh
    (cop_portal.stamps), or, inside forgetting_once, once it ends."""
    gathered = _GATHERED.get()
    if gathered is not None:
        gathered.keys[scope].update(pk for pk in pks if pk is not None)
        return
    stamps.forget([_stamp_key(scope, pk) for pk in set(pks) if pk is not None])


def forget_forum(*forum_ids: int | None) -> None:
    forget(FORUM, *forum_ids)


def forget_issue(*issue_ids: int | None) -> None:
    forget(ISSUE, *issue_ids)


def forget_names() -> None:
    """A name shown on many pages changed (a forum's, a region's, a practice area's, a
    person's or an organisation's): every kept part is drawn afresh."""
    forget(NAMES, 0)


def kept(
    name: str,
    scope: tuple[str, int],
    parts: tuple,
    build: Callable[[], T],
    *,
    good_until: Callable[[T], dt.datetime | None] = lambda built: None,
) -> T:
    """What `build` returns for this part of a forum's or an issue's pages (`scope`: FORUM
    or ISSUE and its key), kept as the module says; built every time when
    PAGE_PARTS_CACHE_SECONDS is 0, and while the cache may have missed a change. What a
    part shows may also change with the clock (a meeting starting): `good_until` says, of
    what was built, when it is to be built afresh whatever happens meanwhile."""
    seconds = settings.PAGE_PARTS_CACHE_SECONDS
    # Not while the cache may have missed a change: drawn afresh, and not kept.
    if seconds <= 0 or not stamps.all_forgotten():
        return build()
    named = (
        KEPT_FORMAT,
        name,
        scope,
        stamps.read([_stamp_key(*scope), _stamp_key(NAMES, 0)], seconds),
        parts,
        get_language(),
        timezone.get_current_timezone_name(),
        # Whether an action is overdue, and what "today" is, turn on the day.
        timezone.localdate().isoformat(),
    )
    key = f"kept:{name}:" + hashlib.sha256(repr(named).encode()).hexdigest()
    found = cache.get(key)
    now = timezone.now()
    if found is not None and (found[1] is None or now < found[1]):
        return found[0]
    built = build()
    until = good_until(built)
    if until is None or now < until:
        keep_for = seconds if until is None else min(seconds, (until - now).total_seconds())
        cache.set(key, (built, until), max(int(keep_for), 1))
    return built


# Page numbers a kept part may be asked for: up to 9,999 (25 rows a page: a quarter of a
# million rows), so that varying an address names few parts.
PAGE_DIGITS = 4


def asked_pages(request: HttpRequest, *names: str) -> HttpRequest:
    """The request as a kept part is to read it: only its page numbers, each a whole number
    of up to four digits (anything else is the first page). A part is drawn from it and
    named by `pages_of` it, so its links carry nothing else the address held, and an
    address with more in it is shown the same part."""
    pages = QueryDict(mutable=True)
    for name in names:
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit() and len(value) <= PAGE_DIGITS:
            pages[name] = str(int(value))
    drawn = copy.copy(request)
    drawn.GET = pages
    return drawn


def pages_of(request: HttpRequest) -> tuple:
    """What names a part drawn from `asked_pages`."""
    return tuple(sorted(request.GET.items()))
