"""Backup archives of the portal: the database and the uploaded files, and how they come back.

An archive is one gzipped tar, `cop-portal-<UTC time>.tar.gz`, holding:
- `manifest.json`: when and from what it was made, and the size and SHA-256 of every other member;
- `database.pgdump` (pg_dump's custom format) or `database.sqlite3` (a copy by SQLite's backup API);
- `media/...`: every file under MEDIA_ROOT.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
ARCHIVE_PREFIX = "cop-portal-"
ARCHIVE_SUFFIX = ".tar.gz"
ARCHIVE_NAME = re.compile(r"^cop-portal-(\d{8}T\d{6}Z)\.tar\.gz$")
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

# libpq reads these from the environment, which keeps the password off the command line
# (where any user of the machine could read it in the process list).
_PG_OPTION_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead, in a sentence for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    archive: Path
    vendor: str
    files: int
    # Migrations this code has that the archive's database had not applied yet.
    unapplied_migrations: int


def archive_name(moment: dt.datetime) -> str:
    return f"{ARCHIVE_PREFIX}{moment.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)}{ARCHIVE_SUFFIX}"


def archive_time(path: Path) -> dt.datetime | None:
    """When the archive was made, read from its name; None for any other file."""
    match = ARCHIVE_NAME.match(path.name)
    if match is None:
        return None
    return dt.datetime.strptime(match.group(1), TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC)


def create_backup(directory: Path | None = None, *, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write one archive of the database and MEDIA_ROOT into `directory` (BACKUP_DIR).

    The archive appears under its final name only once complete.
    """
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().replace(microsecond=0)
    target = directory / archive_name(created_at)
    if target.exists():
        raise BackupError(f"{target} already exists; wait a second and run the backup again.")

    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {vendor}.")

    # Names starting with a dot never match the archive pattern, so neither pruning nor
    # an operator takes a half-written archive for a finished one.
    work = Path(tempfile.mkdtemp(prefix=".cop-portal-", dir=directory))
    partial = work / target.name
    try:
        database_file = work / DATABASE_MEMBERS[vendor]
        if vendor == "postgresql":
            _dump_postgresql(connection.settings_dict, database_file)
        else:
            _copy_sqlite(connection, database_file)

        media_files = _media_files(Path(settings.MEDIA_ROOT), skip=directory)
        members = [(DATABASE_MEMBERS[vendor], database_file)] + [
            (MEDIA_PREFIX + relative, path) for relative, path in media_files
        ]
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "database": {"vendor": vendor, "file": DATABASE_MEMBERS[vendor]},
            "migrations": _latest_applied_migrations(connection),
            "portal": _portal_version(),
            "files": [
                {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in members
            ],
        }
        manifest_file = work / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2) + "\n")

        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            for name, path in members:
                archive.add(path, arcname=name)
        # The whole database, password hashes included: for the operator's eyes only.
        partial.chmod(0o600)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def prune_backups(
    directory: Path | None = None,
    *,
    retention_days: int | None = None,
    keep_min: int | None = None,
    now: dt.datetime | None = None,
) -> list[Path]:
    """Delete archives older than the retention period, always keeping the newest `keep_min`.

    Only files named like an archive are considered; returns the deleted paths.
    """
    directory = Path(directory or settings.BACKUP_DIR)
    retention_days = settings.BACKUP_RETENTION_DAYS if retention_days is None else retention_days
    keep_min = settings.BACKUP_KEEP_MIN if keep_min is None else keep_min
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days)
    if not directory.is_dir():
        return []
    archives = sorted(
        (
            (made, path)
            for path in directory.iterdir()
            if (made := archive_time(path)) and path.is_file()
        ),
        reverse=True,
    )
    deleted = []
    for made, path in archives[keep_min:]:
        if made < cutoff:
            path.unlink()
            deleted.append(path)
    return sorted(deleted)


def database_has_portal_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when any table of the portal's own apps holds a row.

    Tables that `migrate` fills by itself (content types, permissions) do not count, so a
    freshly migrated stack still takes a restore.
    """
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    for model in _portal_models():
        if model._meta.db_table in existing and model._base_manager.using(using).exists():
            return True
    return False


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.getmember(MANIFEST)
            handle = archive.extractfile(member)
            if handle is None:
                raise KeyError(MANIFEST)
            return json.load(handle)
    except FileNotFoundError as missing:
        raise BackupError(f"There is no archive at {archive_path}.") from missing
    except KeyError as missing:
        raise BackupError(
            f"{archive_path.name} has no {MANIFEST}: it is not a portal backup."
        ) from missing
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError) as broken:
        raise BackupError(f"{archive_path.name} cannot be read: {broken}.") from broken


def verify_archive(archive_path: Path) -> dict:
    """The archive's manifest, once every member has the size and checksum it lists."""
    manifest = read_manifest(archive_path)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"{archive_path.name} is in backup format {manifest.get('format')!r}; "
            f"this portal reads format {FORMAT_VERSION}."
        )
    expected = {entry["path"]: entry for entry in manifest["files"]}
    seen = set()
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                if entry is None or not member.isfile():
                    raise BackupError(
                        f"{archive_path.name} holds {member.name}, which its manifest does not "
                        "list; it was changed after it was made."
                    )
                digest = _sha256_of(archive.extractfile(member))
                if member.size != entry["size"] or digest != entry["sha256"]:
                    raise BackupError(
                        f"{member.name} in {archive_path.name} does not match its checksum: "
                        "the archive is damaged. Restore from another archive."
                    )
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as broken:
        raise BackupError(f"{archive_path.name} is damaged: {broken}.") from broken
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(
            f"{archive_path.name} lacks {', '.join(missing)}: the archive is incomplete."
        )
    if manifest["database"]["file"] not in seen:
        raise BackupError(f"{archive_path.name} holds no database.")
    return manifest


def restore_backup(
    archive_path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Bring back the database and MEDIA_ROOT from an archive, after checking every member.

    Refuses a database that already holds portal data unless `force`; replaces MEDIA_ROOT.
    """
    archive_path = Path(archive_path)
    connection = connections[using]
    manifest = verify_archive(archive_path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        held = VENDOR_NAMES.get(vendor, vendor)
        used = VENDOR_NAMES.get(connection.vendor, connection.vendor)
        raise BackupError(
            f"{archive_path.name} holds a {held} database, but this portal uses {used}. "
            f"Restore it into a portal configured for {held}."
        )
    unknown = _migrations_unknown_here(manifest["migrations"])
    if unknown:
        raise BackupError(
            f"{archive_path.name} comes from a portal with migrations this one does not have "
            f"({', '.join(unknown)}). Restore it with the version of the portal that made it "
            f"({manifest['portal'].get('version') or 'version unknown'})."
        )
    if not force and database_has_portal_data(using):
        raise BackupError(
            "The database already holds portal data. Restoring replaces all of it; "
            "run the restore again with --force if that is what you want."
        )

    work = Path(tempfile.mkdtemp(prefix=".cop-portal-restore-"))
    try:
        database_file = work / manifest["database"]["file"]
        _extract(archive_path, manifest["database"]["file"], database_file)
        if vendor == "postgresql":
            connection.close()
            _restore_postgresql(connection.settings_dict, database_file)
        else:
            _restore_sqlite(connection, database_file)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    connection.close()

    media_entries = [e["path"] for e in manifest["files"] if e["path"].startswith(MEDIA_PREFIX)]
    _replace_media(archive_path, media_entries)
    return RestoreResult(
        archive=archive_path,
        vendor=vendor,
        files=len(media_entries),
        unapplied_migrations=_unapplied_migrations(connection),
    )


# --- The database ---------------------------------------------------------------------


def _pg_command(program: str, settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    command = [shutil.which(program) or program]
    if settings_dict.get("HOST"):
        command += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        command += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        command += ["--username", str(settings_dict["USER"])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in _PG_OPTION_ENVIRONMENT.items():
        if options.get(option):
            environment[variable] = str(options[option])
    return command, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            command, env=environment, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as missing:
        raise BackupError(
            f"{command[0]} is not installed; install the PostgreSQL client (postgresql-client)."
        ) from missing
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.returncode}")


def _dump_postgresql(settings_dict: dict, target: Path) -> None:
    command, environment = _pg_command("pg_dump", settings_dict)
    command += [
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--file",
        str(target),
        "--dbname",
        str(settings_dict["NAME"]),
    ]
    _run(command, environment, "pg_dump")


# Everything the portal keeps is in the public schema: what of it the portal's role owns
# (tables, views, sequences, functions; not an extension's) is dropped before the archive
# is read back, so that tables made by migrations newer than the archive go too (with
# --clean, pg_restore drops only what the archive holds, and a newer table's foreign keys
# stopped it). The schema itself stays, with its owner and grants: the role need not own it.
EMPTY_SCHEMA = """
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT CASE c.relkind
                   WHEN 'v' THEN 'VIEW'
                   WHEN 'm' THEN 'MATERIALIZED VIEW'
                   WHEN 'S' THEN 'SEQUENCE'
                   ELSE 'TABLE'
               END AS kind,
               c.oid::regclass::text AS name
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) = current_user
          AND NOT EXISTS (
              SELECT 1 FROM pg_depend d
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.deptype IN ('e', 'a', 'i')
          )
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE', found.kind, found.name);
    END LOOP;
    FOR found IN
        SELECT p.oid::regprocedure::text AS name
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public'
          AND pg_get_userbyid(p.proowner) = current_user
          AND NOT EXISTS (
              SELECT 1 FROM pg_depend d
              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
          )
    LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', found.name);
    END LOOP;
END
$$;
"""


def _restore_postgresql(settings_dict: dict, source: Path) -> None:
    """pg_restore writes the archive as SQL, which psql runs after emptying the schema, all
    in one transaction: a restore that fails half-way leaves the database as it was."""
    restore, environment = _pg_command("pg_restore", settings_dict)
    restore += ["--no-owner", "--no-privileges", "--file", "-", str(source)]
    psql, _ = _pg_command("psql", settings_dict)
    psql += [
        "--no-psqlrc",
        "--quiet",
        "--set",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "--command",
        EMPTY_SCHEMA,
        "--file",
        "-",
        "--dbname",
        str(settings_dict["NAME"]),
    ]
    try:
        reader = subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
            restore, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError as missing:
        raise BackupError(
            f"{restore[0]} is not installed; install the PostgreSQL client (postgresql-client)."
        ) from missing
    try:
        try:
            result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                psql,
                env=environment,
                stdin=reader.stdout,
                capture_output=True,
                text=True,
                check=False,
            )
        except FileNotFoundError as missing:
            raise BackupError(
                f"{psql[0]} is not installed; install the PostgreSQL client (postgresql-client)."
            ) from missing
    finally:
        reader.stdout.close()
        read_errors = reader.stderr.read().decode(errors="replace").strip()
        reader.stderr.close()
        reader.wait()
    # psql's error first: when it stops, pg_restore loses its reader and only says so.
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip() or result.returncode}")
    if reader.returncode != 0:
        raise BackupError(f"pg_restore failed: {read_errors or reader.returncode}")


def _copy_sqlite(connection, target: Path) -> None:
    # Through Django's own connection, so a test database held in memory is copied too.
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _restore_sqlite(connection, source: Path) -> None:
    connection.ensure_connection()
    if not connection.get_autocommit():
        raise BackupError("The database is inside a transaction; restore outside one.")
    copy = sqlite3.connect(source)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


def _latest_applied_migrations(connection) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        latest[app_label] = max(name, latest.get(app_label, name))
    return dict(sorted(latest.items()))


def _migrations_unknown_here(latest: dict[str, str]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in sorted(latest.items()) if (app, name) not in known]


def _unapplied_migrations(connection) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _portal_models():
    base_dir = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        if Path(app_config.path).resolve().parent == base_dir:
            yield from app_config.get_models(include_auto_created=True)


def _portal_version() -> dict[str, str | None]:
    base_dir = Path(settings.BASE_DIR)
    try:
        version = tomllib.loads((base_dir / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    return {"version": version, "commit": _git_commit(base_dir)}


def _git_commit(base_dir: Path) -> str | None:
    git = shutil.which("git")
    if git is None or not (base_dir / ".git").exists():
        return None
    result = subprocess.run(  # noqa: S603 - fixed program and arguments
        [git, "rev-parse", "HEAD"], cwd=base_dir, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


# --- Files ----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_of(handle)


def _sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _media_files(media_root: Path, *, skip: Path) -> list[tuple[str, Path]]:
    """Every uploaded file as (path inside MEDIA_ROOT, path on disk), leaving out archives
    when BACKUP_DIR is placed inside MEDIA_ROOT."""
    if not media_root.is_dir():
        return []
    skip = skip.resolve()
    return [
        (path.relative_to(media_root).as_posix(), path)
        for path in sorted(media_root.rglob("*"))
        if path.is_file() and not path.resolve().is_relative_to(skip)
    ]


def _safe_relative(name: str) -> PurePosixPath:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"The archive names a file outside its own folders: {name}.")
    return relative


def _extract(archive_path: Path, name: str, target: Path) -> None:
    _safe_relative(name)
    with tarfile.open(archive_path, "r:gz") as archive:
        handle = archive.extractfile(archive.getmember(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as written:
            shutil.copyfileobj(handle, written, _CHUNK)


def _replace_media(archive_path: Path, names: list[str]) -> None:
    """MEDIA_ROOT holds exactly the archive's files afterwards.

    The files are unpacked into a folder inside MEDIA_ROOT first (the same file system, so
    moving them in is a rename) and only then is the old content removed; MEDIA_ROOT itself
    stays, as it is often a mounted volume.
    """
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for name in names:
                relative = _safe_relative(name.removeprefix(MEDIA_PREFIX))
                target = staging.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as written:
                    shutil.copyfileobj(
                        archive.extractfile(archive.getmember(name)), written, _CHUNK
                    )
        for entry in media_root.iterdir():
            if entry == staging:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in staging.iterdir():
            entry.rename(media_root / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
