"""Parts of pages kept in the cache, under a name made of all they show.

A forum's agenda, its queue of waiting issues and its list of meetings cost a page most of
its time to gather and draw, and many people read the same one: a forum's members its
agenda pack, its facilitators its queue. Such a part is kept under a name made of what it
is (the meeting, the page of the queue), the reader's language, time zone and day, and a
stamp of the forum it belongs to. Any change to what a forum's pages show gives the forum a
new stamp (each app's receivers call forget_forum), so a part is drawn afresh after every
change and otherwise at most once per PAGE_PARTS_CACHE_SECONDS. The stamp lives in the cache,
so finding it asks the database nothing. A kept part shows nothing of its reader: what
differs from one reader to another (their buttons, their forms) is drawn around it.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

T = TypeVar("T")

# Bumped whenever what is kept changes shape or markup, so nothing kept by an older
# release is read.
KEPT_FORMAT = 2


# What a kept part belongs to: a forum (its queue, meetings and agendas) or an issue (its
# page's history).
FORUM, ISSUE = "forum", "issue"


def _stamp_key(scope: str, pk: int) -> str:
    return f"kept:{scope}-stamp:{pk}"


def stamp(scope: str, pk: int) -> str:
    """The stamp of a forum or an issue: a new one after any change to what its parts show."""
    key = _stamp_key(scope, pk)
    found = cache.get(key)
    if found is None:
        found = uuid.uuid4().hex
        # Another process may have just made one: theirs is kept, and read back.
        if not cache.add(key, found, settings.PAGE_PARTS_CACHE_SECONDS):
            found = cache.get(key) or found
    return found


def forget(scope: str, *pks: int | None) -> None:
    """What these forums' or issues' parts show changed: they are drawn afresh. Forgotten
    now and again once the change is committed, since a page drawn in between reads the
    rows as they were and may keep them under the new stamp."""
    keys = [_stamp_key(scope, pk) for pk in set(pks) if pk is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_forum(*forum_ids: int | None) -> None:
    forget(FORUM, *forum_ids)


def forget_issue(*issue_ids: int | None) -> None:
    forget(ISSUE, *issue_ids)


def kept(
    name: str,
    scope: tuple[str, int],
    parts: tuple,
    build: Callable[[], T],
    *,
    good_until: Callable[[T], dt.datetime | None] = lambda built: None,
) -> T:
    """What `build` returns for this part of a forum's or an issue's pages (`scope`: FORUM
    or ISSUE and its key), kept as the module says;
    built every time when PAGE_PARTS_CACHE_SECONDS is 0. What a part shows may also change
    with the clock (a meeting starting): `good_until` says, of what was built, when it is
    to be built afresh whatever happens meanwhile."""
    seconds = settings.PAGE_PARTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    named = (
        KEPT_FORMAT,
        name,
        scope,
        stamp(*scope),
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
