"""Running service calls at the same moment on their own database connections."""

import threading
import time

from django.db import connection, connections, transaction


def run_at_once(*calls):
    """Start every call on its own thread (own connection) at the same moment."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the test inspects what each call raised
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def while_locked(lock, call, meanwhile) -> tuple[object, list]:
    """Take a lock with `lock()`, as another service would; run `call` on its own connection
    until it waits; then, still holding the lock, run `meanwhile()`. Returns what `meanwhile`
    returned and what `call` returned (or raised)."""
    outcome: list = []

    def run():
        try:
            outcome.append(call())
        except Exception as exc:  # the test shows what it raised
            outcome.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        lock()
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 10
        while not waiting_for_a_lock() and time.monotonic() < deadline:
            time.sleep(0.02)
        during = meanwhile()
    thread.join(timeout=30)
    return during, outcome
