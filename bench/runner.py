"""`make bench`: serve the portal as in production on loopback and time every main page.

1. A PostgreSQL database of the benchmark's own (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/cop_bench): created if missing, migrated, and filled by
   `generate_load --scale S` unless it already holds that scale (a marker table says which).
2. gunicorn, 2 sync workers, production settings, on 127.0.0.1 and a free port.
3. The demo roles sign in through the real sign-in form; each page is requested at
   concurrency 1 and 8, after a warm-up long enough for each worker to have prepared and
   planned its queries (WARMUP), a bounded number of times within a time budget.
4. p50, p95, requests per second, failures, and each page's p50 as a multiple of the
   sign-in page's p50 in the same run: printed as a table and written to var/bench/latest.json.
   At concurrency 1 every page is timed in PASSES passes over the whole list, a share of
   its requests in each; at 8, the sign-in page is timed before the other pages and again
   after them. Either way the machine's speed drifting during a run falls on the floor as
   on the pages, instead of moving every ratio; a page's note gives each part's p50.

Exits 1 when a request failed (an unexpected status, or no answer), 0 otherwise: the
targets are reported, not enforced.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from .client import Client, links, resolve
from .stats import (
    Result,
    Sample,
    ratios_by_pass,
    summarise_samples,
    table,
    with_ratios,
)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cop_bench"
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - the documented demo password
# Who looks at what: the demo accounts of the README.
ROLES = {
    "practitioner": "practitioner@example.org",
    "cfsn facilitator": "facilitator@example.org",
    "state-wide facilitator": "stella.statewide@example.org",
    "executive": "executive@example.org",
}
CFSN = "northern-cfsn"
# Words feedback.loadgen puts in about a third of the titles, and in one in two thousand.
COMMON_WORD = "families"
RARE_WORD = "hydrotherapy"
FLOOR = "sign-in page"
REDIS_DB = 13


class Timeout(Exception):
    pass


@dataclass
class Page:
    name: str
    path: str
    role: str | None  # None: not signed in
    expected: int = 200
    note: str = ""


# A page is timed as a server in use serves it: each worker's connection prepares a statement
# on its fifth run (DATABASE_PREPARE_THRESHOLD), and PostgreSQL plans a prepared statement
# afresh five more times before it keeps one plan. Ten runs on each of the two workers, and
# some to spare for requests not shared out evenly; fewer, and most timed requests would
# still be planning their queries.
WARMUP = 24
# The machine's speed wanders by a half within minutes, and a page timed in a slow minute
# looked slow beside a floor timed in a quick one. At concurrency 1 every page, the floor
# included, is therefore timed in several passes over the whole list, a share of its
# requests in each, so that a slow minute falls on every page alike.
PASSES = 4


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument(
        "--requests", type=int, default=20, help="Timed requests per page and level."
    )
    parser.add_argument(
        "--warmup", type=int, default=WARMUP, help="Untimed requests of each page first."
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=PASSES,
        help="At concurrency 1, pass over every page this many times, timing a share of "
        "its requests each time.",
    )
    parser.add_argument("--concurrency", default="1,8", help="Levels, comma-separated.")
    parser.add_argument(
        "--page-budget", type=float, default=60, help="Seconds at most per page and level."
    )
    parser.add_argument("--timeout", type=float, default=3600, help="Seconds for the whole run.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="Drop and rebuild the database.")
    parser.add_argument("--only", default="", help="Measure only pages whose name contains this.")
    parser.add_argument("--json", type=Path, default=OUT_DIR / "latest.json")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- The database ---------------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Unusual database name {name!r}: letters, digits and _ only.")
    return name


def ensure_database(url: str, *, fresh: bool) -> None:
    name = _name(url)
    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            log(f"dropping database {name}")
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            log(f"creating database {name}")
            admin.execute(f'CREATE DATABASE "{name}"')


def loaded_scale(url: str) -> float | None:
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass('bench_marker')").fetchone()[0]
        if found is None:
            return None
        row = conn.execute("SELECT scale FROM bench_marker").fetchone()
        return row[0] if row else None


def mark_loaded(url: str, scale: float) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_marker (scale double precision)")
        conn.execute("DELETE FROM bench_marker")
        conn.execute("INSERT INTO bench_marker VALUES (%s)", [scale])


def manage(*args: str, env: dict[str, str], timeout: float) -> None:
    command = [sys.executable, "manage.py", *args]
    log(" ".join(command[1:]))
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=timeout)  # noqa: S603 - our own manage.py


def prepare(url: str, scale: float, *, fresh: bool, deadline: float) -> None:
    ensure_database(url, fresh=fresh)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_ENV": "embedded"}
    manage("migrate", "--no-input", "-v0", env=env, timeout=remaining(deadline))
    have = loaded_scale(url)
    if have == scale:
        log(f"database already holds load data at scale {scale:g}: not generating")
        return
    if have is not None or _has_load(url):
        log(f"database holds another data set (scale {have}); rebuilding it")
        ensure_database(url, fresh=True)
        manage("migrate", "--no-input", "-v0", env=env, timeout=remaining(deadline))
    manage("generate_load", "--scale", f"{scale:g}", env=env, timeout=remaining(deadline))
    mark_loaded(url, scale)


def _has_load(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM members_user WHERE email LIKE %s LIMIT 1", ["%@load.example.org"]
        ).fetchone()
        return row is not None


def remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Timeout("The benchmark ran out of time.")
    return left


# --- The server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "MFA_REQUIRED": "false",
        "STATIC_ROOT": str(OUT_DIR / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "cop_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    log(f"gunicorn on 127.0.0.1:{port}, {workers} sync workers, production settings")
    # Its own process group, so stopping it stops its workers too.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 - fixed command


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    log("gunicorn stopped")


def wait_healthy(client: Client, server: subprocess.Popen, seconds: float = 60) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering.")
        try:
            if client.get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("/healthz did not answer 200 within a minute.")


# --- What to measure --------------------------------------------------------------------


def facts(url: str) -> dict:
    """Ids the pages need, read from the benchmark's database."""
    with psycopg.connect(url, autocommit=True) as conn:

        def one(sql: str, params=()):
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None

        return {
            "hot_issue": one(
                "SELECT issue_id FROM feedback_comment GROUP BY issue_id "
                "ORDER BY count(*) DESC LIMIT 1"
            ),
            "held_meeting": one(
                "SELECT m.id FROM forums_meeting m JOIN forums_forum f ON f.id = m.forum_id "
                "WHERE f.slug = %s AND m.status = 'completed' ORDER BY m.start DESC LIMIT 1",
                [CFSN],
            ),
            "next_meeting": one(
                "SELECT m.id FROM forums_meeting m JOIN forums_forum f ON f.id = m.forum_id "
                "WHERE f.slug = %s AND m.status = 'published' AND m.start > now() "
                "ORDER BY m.start LIMIT 1",
                [CFSN],
            ),
            "busy_feed": one(
                "SELECT c.token FROM forums_calendarfeed c JOIN members_user u ON u.id = c.user_id "
                "WHERE u.email = %s",
                ["busy.member@load.example.org"],
            ),
        }


def pages(known: dict) -> list[Page]:
    found = [
        Page(FLOOR, "/accounts/login/", None),
        Page("home", "/", "practitioner"),
        Page("issue list, first page", "/issues/", "practitioner"),
        Page("issue list, a deep page", "", "practitioner"),
        Page("search, a common word", f"/issues/?q={COMMON_WORD}", "practitioner"),
        Page("search, a rare word", f"/issues/?q={RARE_WORD}", "practitioner"),
        Page("issue detail (most comments)", f"/issues/{known['hot_issue']}/", "practitioner"),
        Page("CFSN triage queue", f"/issues/queues/{CFSN}/", "cfsn facilitator"),
        Page("State-wide triage queue", "/issues/queues/statewide/", "state-wide facilitator"),
        Page("executive queue", "/issues/executive/", "executive"),
        Page("forum (State-wide)", "/forums/statewide/", "state-wide facilitator"),
        Page("meeting (held)", f"/forums/meetings/{known['held_meeting']}/", "cfsn facilitator"),
        Page(
            "agenda pack",
            f"/forums/meetings/{known['next_meeting']}/agenda/print/",
            "cfsn facilitator",
        ),
        Page("calendar", "/forums/calendar/", "practitioner"),
        Page(".ics feed, member of every forum", f"/forums/feed/{known['busy_feed']}.ics", None),
        Page("notifications", "/notifications/", "practitioner"),
        Page("portal search, a common word", f"/search/?q={COMMON_WORD}", "practitioner"),
        Page("portal search, a rare word", f"/search/?q={RARE_WORD}", "practitioner"),
        Page("my meetings", "/forums/meetings/mine/", "practitioner"),
        Page("learning sessions", "/forums/sessions/", "practitioner"),
        Page("guidance library", "/practice/library/", "practitioner"),
        Page("consultations", "/issues/consultations/", "practitioner"),
        Page("insights", "/insights/", "executive"),
        Page("forum insights", f"/insights/forums/{CFSN}/", "executive"),
        Page("your downloads", "/insights/downloads/", "executive"),
    ]
    return found


def deep_page(client: Client, first: str = "/issues/", hops: int = 50) -> tuple[str, str]:
    """Far down the issue list by the list's own links: its last page when it numbers its
    pages, otherwise as far as `hops` of its "next" links go."""
    reply = client.get(first)
    text = reply.body.decode(errors="replace")
    numbered = re.search(r"Page\s+\d+\s+of\s+([\d,]+)", text)
    if numbered and "page=" in text:
        last = int(numbered.group(1).replace(",", ""))
        return f"{first}?page={last}", f"page {last} of {last}"
    path = first
    for hop in range(hops):
        onward = [
            href
            for href, label in links(reply.body)
            if re.search(r"\b(next|older|more)\b", label, re.I)
            and ("after=" in href or "page=" in href)
        ]
        if not onward:
            return path, f"{hop} 'next' links down"
        path = resolve(path, onward[0])
        reply = client.get(path)
    return path, f"{hops} 'next' links down"


# --- Measuring ------------------------------------------------------------------------


def plan(
    todo: list[Page], levels: list[int], requests: int, warmup: int, passes: int
) -> list[tuple[Page, int, int, int]]:
    """In what order to time what: (page, concurrency, timed requests, warm-up requests).
    `todo` lists the floor first. At concurrency 1, `passes` passes over every page, a share
    of the requests each, warmed up in the first; at other levels the floor, every other
    page, and the floor again."""
    floor, *others = todo
    steps = []
    for level in levels:
        if level == 1 and passes > 1:
            share = -(-requests // passes)
            for number in range(passes):
                steps += [(page, level, share, warmup if number == 0 else 0) for page in todo]
        else:
            steps.append((floor, level, requests, warmup))
            steps += [(page, level, requests, warmup) for page in others]
            steps.append((floor, level, requests, warmup))
    return steps


def sample(
    page: Page, client: Client, concurrency: int, requests: int, warmup: int, budget: float
) -> Sample:
    """Times `requests` requests of the page, `concurrency` at a time, within `budget`
    seconds, after `warmup` untimed ones."""
    for _ in range(warmup):
        client.get(page.path)
    lock = threading.Lock()
    timings: list[float] = []
    failures: list[str] = []
    issued = 0
    stop_at = time.monotonic() + budget

    def worker() -> None:
        nonlocal issued
        mine = Client(client.port, client.timeout, dict(client.cookies))
        while True:
            with lock:
                if issued >= requests or time.monotonic() > stop_at:
                    return
                issued += 1
            began = time.perf_counter()
            try:
                status = mine.get(page.path).status
            except OSError as exc:
                with lock:
                    failures.append(type(exc).__name__)
                continue
            took = time.perf_counter() - began
            with lock:
                if status == page.expected:
                    timings.append(took)
                else:
                    failures.append(str(status))

    began = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(budget + client.timeout + 5)
    wall = time.monotonic() - began
    return Sample(timings, failures, wall)


def run(args: argparse.Namespace) -> tuple[list[Result], dict]:
    deadline = time.monotonic() + args.timeout
    url = database_url()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    prepare(url, args.scale, fresh=args.fresh, deadline=deadline)
    env = production_env(url)
    manage("collectstatic", "--no-input", "-v0", env=env, timeout=remaining(deadline))
    known = facts(url)
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        anonymous = Client(port)
        wait_healthy(anonymous, server)
        clients = {None: anonymous}
        for role, email in ROLES.items():
            clients[role] = Client(port)
            clients[role].sign_in(email, DEMO_PASSWORD)
            log(f"signed in as {role} ({email})")
        todo = pages(known)
        deep = next(p for p in todo if p.name == "issue list, a deep page")
        deep.path, deep.note = deep_page(clients["practitioner"])
        if args.only:
            todo = [p for p in todo if p.name == FLOOR or args.only in p.name]
        levels = [int(c) for c in args.concurrency.split(",") if c.strip()]

        def timed(page: Page, level: int, requests: int, warmup: int) -> Sample:
            remaining(deadline)
            return sample(page, clients[page.role], level, requests, warmup, args.page_budget)

        def logged(result: Result) -> Result:
            log(
                f"{result.page:<34} c{result.concurrency}: p50 {result.p50_ms:>8} ms, "
                f"p95 {result.p95_ms:>8} ms, {result.requests} requests, "
                f"{result.failures} failed"
            )
            return result

        samples: dict[tuple[str, int], list[Sample]] = {}
        for page, level, requests, warmup in plan(
            todo, levels, args.requests, args.warmup, args.passes
        ):
            samples.setdefault((page.name, level), []).append(timed(page, level, requests, warmup))
        results = []
        for page in todo:
            for level in levels:
                result = summarise_samples(page.name, level, samples[page.name, level], page.note)
                if level == 1 and args.passes > 1:  # as plan() times them
                    result.x_sign_in_by_pass = ratios_by_pass(
                        samples[page.name, level], samples[FLOOR, level]
                    )
                results.append(logged(result))
    finally:
        stop_server(server)
    meta = {
        "scale": args.scale,
        "workers": args.workers,
        "requests": args.requests,
        "passes": args.passes,
        "concurrency": args.concurrency,
        "pages": {p.name: p.path for p in todo},
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return with_ratios(results, FLOOR), meta


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def out_of_time(signum, frame):
        raise Timeout(f"The benchmark ran past its {args.timeout:g} s limit.")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.timeout) + 60)
    try:
        results, meta = run(args)
    except (Timeout, RuntimeError, subprocess.SubprocessError, psycopg.Error) as exc:
        log(f"failed: {exc}")
        return 2
    finally:
        signal.alarm(0)
    print()
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({**meta, "results": [r.as_dict() for r in results]}, indent=2) + "\n"
    )
    log(f"written to {args.json}")
    failed = sum(r.failures for r in results)
    if failed:
        log(f"{failed} requests failed")
        return 1
    return 0
