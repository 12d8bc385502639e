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


def _stamp_key(forum_id: int) -> str:
    return f"kept:forum-stamp:{forum_id}"


def forum_stamp(forum_id: int) -> str:
    """The forum's stamp: a new one after any change to what its pages show."""
    key = _stamp_key(forum_id)
    found = cache.get(key)
    if found is None:
        found = uuid.uuid4().hex
        # Another process may have just made one: theirs is kept, and read back.
        if not cache.add(key, found, settings.PAGE_PARTS_CACHE_SECONDS):
            found = cache.get(key) or found
    return found


def forget_forum(*forum_ids: int | None) -> None:
    """What these forums' pages show changed: their kept parts are drawn afresh. Forgotten
    now and again once the change is committed, since a page drawn in between reads the
    rows as they were and may keep them under the new stamp."""
    keys = [_stamp_key(forum_id) for forum_id in set(forum_ids) if forum_id is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def kept(
    name: str,
    forum_id: int,
    parts: tuple,
    build: Callable[[], T],
    *,
    good_until: Callable[[T], dt.datetime | None] = lambda built: None,
) -> T:
    """What `build` returns for this part of the forum's pages, kept as the module says;
    built every time when PAGE_PARTS_CACHE_SECONDS is 0. What a part shows may also change
    with the clock (a meeting starting): `good_until` says, of what was built, when it is
    to be built afresh whatever happens meanwhile."""
    seconds = settings.PAGE_PARTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    named = (
        KEPT_FORMAT,
        name,
        forum_id,
        forum_stamp(forum_id),
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
