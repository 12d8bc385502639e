"""Stamps in the cache: a value that changes whenever what it stands for changes, so that
whatever is kept under a name holding it is read afresh after a change.

A stamp is made on first read (a random value) and forgotten when what it stands for
changes: at once, and again once the change is committed, since a page drawn in between
reads the rows as they were and may keep them under the new stamp. A key this process
could not forget while the cache did not answer is forgotten as soon as it answers again:
at the start of the process's next request or Celery task, or when `all_forgotten` is
asked. The filters' drawings (cop_portal.filters), each person's menu (members.menu) and
kept page parts (cop_portal.kept) use them.
"""

import threading
import uuid

from celery.signals import task_postrun
from django.core.cache import cache
from django.core.signals import request_started
from django.db import transaction

# Keys this process failed to forget while the cache did not answer.
_unforgotten: set[str] = set()
_unforgotten_lock = threading.Lock()


def _answering() -> bool:
    answering = getattr(cache, "answering", None)
    return answering() if answering is not None else True


def _delete(keys: list[str]) -> None:
    cache.delete_many(keys)
    if not _answering():
        with _unforgotten_lock:
            _unforgotten.update(keys)


def forget_what_was_missed(**kwargs) -> None:
    """Forget the keys this process could not, once the cache answers again."""
    if not _unforgotten or not _answering():
        return
    with _unforgotten_lock:
        missed = list(_unforgotten)
        _unforgotten.clear()
    try:
        _delete(missed)
    except Exception:
        with _unforgotten_lock:
            _unforgotten.update(missed)
        raise


request_started.connect(forget_what_was_missed, dispatch_uid="cop_portal.stamps.request")
task_postrun.connect(forget_what_was_missed, dispatch_uid="cop_portal.stamps.task", weak=False)


def all_forgotten() -> bool:
    """Whether every change this process made is forgotten, so that what is kept under a
    stamp may be trusted (and kept); False while the cache does not answer."""
    forget_what_was_missed()
    return not _unforgotten and _answering()


def read(keys: list[str], seconds: int) -> list[str]:
    """The stamps kept under these keys, made (for `seconds` at most) where missing; one
    cache call when they are all there."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            made = uuid.uuid4().hex
            # Another process may have just made one: theirs is kept, and read back.
            if not cache.add(key, made, seconds):
                made = cache.get(key) or made
            found[key] = made
    return [found[key] for key in keys]


def forget(keys: list[str]) -> None:
    """What these keys stand for changed: forgotten now and again once committed."""
    if not keys:
        return
    _delete(keys)
    transaction.on_commit(lambda: _delete(keys))
