"""Backup and restore of a whole dondoc installation: `dondoc backup`, `dondoc backup --check`, `dondoc restore`.

What an archive holds
    * the database: every row of every table of every installed app (dondoc's own, auth, contenttypes, sessions,
      admin, auditlog, authtoken, axes when installed …, the many-to-many tables too), with its primary keys;
    * the uploaded files (``MEDIA_ROOT``: plan documents, evidence, scoring files, letters, exports …);
    * the one-stop-shop dossier store (``DONDOC_DOSSIER_DIR``): its ``CURRENT`` pointer and the current generation's
      Parquet files (the generation kept for readers of the previous one is not needed).
    Not saved: the job queue (waiting jobs are transient: the daily reminders run again, an import that was running
    is started again), the collected static files (``dondoc collectstatic``), settings and secrets (the environment
    file: keep it with the archive, apart from it).

Archive format: one plain (uncompressed) POSIX tar, PAX headers so Vietnamese file names keep their UTF-8:

    database/<app_label>.<model>.jsonl.gz   one member per table, in load order (tables referenced first)
    media/<path under MEDIA_ROOT>           the uploaded files, as they are
    dossiers/<file>                         the dossier store's pointer and current generation
    manifest.json                           written last: dondoc and Django versions, creation time (UTC), database
                                            vendor and version, the applied migrations, per table its row count,
                                            and every member above with its size and SHA-256
    manifest.sha256                         the manifest's own SHA-256, so a changed byte anywhere is noticed

    The tar is not compressed as a whole: uploaded files and Parquet are compressed formats already, the database
    members are gzip'd one by one, and an uncompressed tar can be indexed by seeking over its members (reading the
    manifest at the end needs no decompression of what comes before). A truncated archive has no manifest and is
    refused as incomplete; a changed byte in a member or in a member's header is refused as corrupt (only the tar's
    zero padding, which carries nothing, is not covered).

The database dump: portable, streaming, one model at a time, through Django
    Each database member is gzip'd JSON lines: a header ``{"model": …, "fields": [attname, …]}`` then one JSON array
    of values per row, the model's local concrete fields in order, rows by primary key, read with
    ``values_list(...).iterator(chunk_size=…)`` (memory stays bounded whatever the table's size). Values go through
    the fields' own Python conversions (dates and times in ISO 8601 with microseconds and offset, decimals as
    strings, JSON as JSON, binary as base64), never through vendor SQL, so an embedded SQLite installation restores
    into PostgreSQL when a province outgrows it (and back). Django's own JSON serializer is not used: it cuts
    datetimes to milliseconds.

    Consistent snapshot: on PostgreSQL the whole dump runs in one ``REPEATABLE READ, READ ONLY`` transaction (the
    web and the workers keep writing meanwhile; large installations should still prefer ``pg_dump``/PITR, see
    docs/deploy.md). On SQLite a read transaction would hold the file's shared lock for the whole dump and make
    every writer wait, so the file is first copied with SQLite's online backup API (a consistent copy in the time it
    takes to copy the pages) and dumped from the copy. The dossier store's merge lock is held from before the
    database snapshot is taken until the store's files are in the archive, so no import lands in one and not the
    other; uploaded files are read after the snapshot, so every file a row names is there (files are written
    before their rows are committed, and never changed in place).

Restore: into a freshly migrated database, in one transaction
    The archive is verified in full first (format, every member's size and SHA-256, row counts): a corrupt archive
    is refused before anything changes. A database that holds data is refused unless ``--force``; a database with
    no tables, or missing migrations, is migrated first; the archive's applied migrations must be exactly the
    code's (restore an archive with the dondoc version that made it, then upgrade and ``dondoc migrate``). Then,
    in one transaction: every table is emptied (including the content types and permissions that ``migrate``
    created, whose primary keys would otherwise differ from the archive's), every row is inserted with its original
    primary key (raw inserts: no ``auto_now``, no signals, no audit entries), row counts are compared with the
    manifest, PostgreSQL's sequences are reset (``connection.ops.sequence_reset_sql``), foreign keys are checked.
    Files are first written into a staging folder inside ``MEDIA_ROOT`` / ``DONDOC_DOSSIER_DIR`` (same file system,
    so it works on a mount point too), each checked against its SHA-256 while written; only when the rows are in
    are the old entries renamed aside and the new ones renamed in, just before the commit (and renamed back if the
    commit fails). A failed restore leaves the old database and the old files. Stop the web and the workers first.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.db.models.fields import Field
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

from dondoc.indicators.dossiers.store import DossierStore
from dondoc.web.database import refresh_planner_statistics

FORMAT = "dondoc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATABASE, MEDIA, DOSSIERS = "database", "media", "dossiers"
AREAS = (DATABASE, MEDIA, DOSSIERS)
STAGING_PREFIX = ".dondoc-restore-"
CHUNK_ROWS = 2000  # rows fetched per round trip while dumping
INSERT_ROWS = 1000  # rows per INSERT while restoring (fewer on SQLite, whose statements take at most 999 values)
COPY_BUFFER = 1024 * 1024
# Rows that `migrate` itself creates (post_migrate: content types and permissions; agencies.0002: the default
# levels): a database holding only these is "empty". tests/web/test_backup.py checks a fresh database is.
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "agencies.level"}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; ``message`` is for the user (Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _quiet(message: str) -> None:
    pass


def dondoc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dondoc")
    except PackageNotFoundError:
        return "unknown"


def human_size(n: float) -> str:
    """1536 → "1,5 KB" (Vietnamese decimal comma)."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            text = f"{n:.0f}" if unit == "B" else f"{n:.1f}"
            return f"{text.replace('.', ',')} {unit}"
        n /= 1024
    return f"{n:.1f} TB".replace(".", ",")


def human_count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- which tables, which columns --------------------------------------------------------------------------------

def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list[type[Model]]:
    """Every model with a table of its own in this database (auto-created many-to-many tables included, proxies and
    unmanaged models not), referenced tables before the tables that reference them (cycles broken by name)."""
    models = sorted((m for m in apps.get_models(include_auto_created=True)
                     if m._meta.managed and not m._meta.proxy and not m._meta.swapped
                     and router.allow_migrate_model(using, m)), key=lambda m: m._meta.label_lower)
    present = set(models)
    ordered: list[type[Model]] = []
    state: dict[type[Model], int] = {}  # 1 visiting, 2 done

    def visit(model: type[Model]) -> None:
        if state.get(model):
            return
        state[model] = 1
        for f in local_fields(model):
            target = f.related_model if f.is_relation and (f.many_to_one or f.one_to_one) else None
            if isinstance(target, type) and target in present and target is not model:
                visit(target)
        state[model] = 2
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def local_fields(model: type[Model]) -> list[Field]:
    """The columns of the model's own table, as stored (generated columns are computed by the database)."""
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _member_name(model: type[Model]) -> str:
    return f"{DATABASE}/{model._meta.label_lower}.jsonl.gz"


def _encode(value: Any) -> Any:
    """A column value as JSON; the field's ``to_python`` reads it back."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)  # UUID, IP addresses


# --- the database snapshot ----------------------------------------------------------------------------------------

@contextlib.contextmanager
def temporary_connection(settings_dict: dict[str, Any], prefix: str = "dondoc_backup") -> Iterator[str]:
    """A database alias for as long as the block lasts, to a database the settings do not name (a snapshot's copy,
    a restore's target). Like Django's test runner, the connection is registered without touching DATABASES."""
    alias = f"{prefix}_{uuid.uuid4().hex[:8]}"
    complete = connections.configure_settings({DEFAULT_DB_ALIAS: dict(settings_dict)})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(complete["ENGINE"]).DatabaseWrapper(complete, alias)
    setattr(connections._connections, alias, wrapper)
    try:
        yield alias
    finally:
        wrapper.close()
        delattr(connections._connections, alias)


@contextlib.contextmanager
def database_snapshot(using: str, workdir: Path) -> Iterator[str]:
    """A database alias that reads one consistent state of ``using`` for as long as the block lasts."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise RuntimeError("a backup takes its own snapshot: call it outside any transaction")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = workdir / "snapshot.sqlite3"
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)  # one step: a consistent copy of every page
        finally:
            target.close()
        with temporary_connection({**connection.settings_dict, "NAME": str(copy)}) as alias:
            yield alias
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT 1")  # the snapshot is taken by the transaction's first query
        yield using


def applied_migrations(using: str) -> list[tuple[str, str]]:
    """The migrations recorded in the database, of the apps installed (an app removed long ago may have left rows)."""
    installed = {a.label for a in apps.get_app_configs()}
    return sorted(k for k in MigrationRecorder(connections[using]).applied_migrations() if k[0] in installed)


def code_migrations() -> set[tuple[str, str]]:
    """What a database migrated by this code records: every migration, and those a squashed one replaces."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    keys = set(loader.graph.nodes)
    for key in list(keys):
        keys.update(tuple(r) for r in (loader.graph.nodes[key].replaces or []))
    installed = {a.label for a in apps.get_app_configs()}
    return {k for k in keys if k[0] in installed}


# --- writing an archive ---------------------------------------------------------------------------------------------

class _HashingReader:
    """Hands a file's bytes to tarfile while hashing exactly what goes into the archive."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


@dataclass
class _Writer:
    tar: tarfile.TarFile
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, member: str, path: Path, *, mtime: float | None = None) -> dict[str, Any]:
        info = tarfile.TarInfo(member)
        with path.open("rb") as fh:
            info.size = os.fstat(fh.fileno()).st_size
            info.mtime = int(mtime if mtime is not None else os.fstat(fh.fileno()).st_mtime)
            info.mode = 0o640
            reader = _HashingReader(fh)
            self.tar.addfile(info, reader)  # type: ignore[arg-type]
        entry = {"member": member, "size": reader.size, "sha256": reader.sha.hexdigest(), "mtime": info.mtime}
        self.files.append(entry)
        return entry

    def add_bytes(self, member: str, data: bytes) -> None:
        info = tarfile.TarInfo(member)
        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o640
        self.tar.addfile(info, io.BytesIO(data))


def _dump_table(model: type[Model], alias: str, path: Path, progress: Progress) -> int:
    fields = local_fields(model)
    rows = (model._base_manager.using(alias).order_by(model._meta.pk.attname)
            .values_list(*[f.attname for f in fields]).iterator(chunk_size=CHUNK_ROWS))
    count = 0
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as out:
        out.write(json.dumps({"model": model._meta.label_lower, "fields": [f.attname for f in fields]},
                             ensure_ascii=False) + "\n")
        for row in rows:
            out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
            if count % 100_000 == 0:
                progress(_("  %(table)s: %(rows)s dòng…") % {"table": model._meta.label_lower,
                                                             "rows": human_count(count)})
    return count


def _walk(root: Path, skip: Iterable[Path]) -> Iterator[Path]:
    """Regular files under root, sorted, leaving out the skipped paths and restore staging folders."""
    skipped = [p.resolve() for p in skip]
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not (here == root and d.startswith(STAGING_PREFIX))
                         and (here / d).resolve() not in skipped)
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or not path.is_file() or path.resolve() in skipped:
                continue
            yield path


def _dossier_files(store: DossierStore) -> list[Path]:
    """The pointer and every file of the current generation: by the store's naming, ``<kind>-<generation>.<ext>``
    (dossiers, aggregates, finished, the merge record …); the generation kept for older readers is left out."""
    current = store.current_path()
    if current is None:
        return []
    if not current.is_file():
        raise BackupError(_("Kho hồ sơ một cửa hỏng: tệp CURRENT trỏ tới %(name)s nhưng tệp này không có.")
                          % {"name": current.name})
    generation = current.stem.split("-", 1)[1]
    files = sorted(p for p in store.root.iterdir()
                   if p.is_file() and not p.is_symlink() and p.name.split(".", 1)[0].endswith(f"-{generation}"))
    return [store.root / "CURRENT", *files]


def create_backup(archive: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None,
                  dossier_dir: Path | None = None, progress: Progress = _quiet) -> dict[str, Any]:
    """Write the archive (refusing to overwrite one); returns its manifest."""
    archive = Path(archive).resolve()
    media_root = Path(media_root or settings.MEDIA_ROOT).resolve()
    dossier_dir = Path(dossier_dir or settings.DONDOC_DOSSIER_DIR).resolve()
    if archive.exists():
        raise BackupError(_("Tệp %(path)s đã có: hãy chọn tên khác (bản sao lưu cũ không bị ghi đè).")
                          % {"path": archive})
    if _pending_migrations(using):
        raise BackupError(_("Cơ sở dữ liệu chưa được cập nhật theo mã nguồn (còn migration chưa chạy): hãy chạy "
                            "`dondoc migrate` trước khi sao lưu."))
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".partial")
    connection = connections[using]
    store = DossierStore(dossier_dir)
    tables: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix=".dondoc-backup-", dir=archive.parent) as tmp, \
                open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            workdir = Path(tmp)
            writer = _Writer(tar)
            with contextlib.ExitStack() as store_lock:
                store_lock.enter_context(store.locked())
                with database_snapshot(using, workdir) as alias:
                    snapshot_at = timezone.now()
                    progress(_("Ảnh chụp cơ sở dữ liệu (%(vendor)s) lúc %(at)s.")
                             % {"vendor": connection.vendor,
                                "at": timezone.localtime(snapshot_at).strftime("%H:%M:%S")})
                    for path in _dossier_files(store):
                        writer.add(f"{DOSSIERS}/{path.name}", path)
                    store_lock.close()  # imports may go on: the database snapshot is taken
                    if len(writer.files):
                        progress(_("Kho hồ sơ một cửa: %(n)s tệp, %(size)s.")
                                 % {"n": len(writer.files), "size": human_size(sum(f["size"] for f in writer.files))})
                    migrations = applied_migrations(alias)
                    models = backed_up_models(using)
                    for number, model in enumerate(models, 1):
                        path = workdir / "table.jsonl.gz"
                        rows = _dump_table(model, alias, path, progress)
                        entry = writer.add(_member_name(model), path)
                        path.unlink()
                        tables.append({"model": model._meta.label_lower, "table": model._meta.db_table,
                                       "rows": rows, "member": entry["member"]})
                        if rows:
                            progress(_("[%(i)s/%(n)s] %(table)s: %(rows)s dòng")
                                     % {"i": number, "n": len(models), "table": model._meta.label_lower,
                                        "rows": human_count(rows)})
            with connection.cursor() as cursor:
                version = _server_version(connection.vendor, cursor)
            media_count = media_bytes = 0
            for path in _walk(media_root, skip=[dossier_dir, partial, workdir]):
                rel = path.relative_to(media_root).as_posix()
                entry = writer.add(f"{MEDIA}/{rel}", path)
                media_count, media_bytes = media_count + 1, media_bytes + entry["size"]
                if media_count % 500 == 0:
                    progress(_("Tệp tải lên: %(n)s tệp, %(size)s…") % {"n": human_count(media_count),
                                                                       "size": human_size(media_bytes)})
            progress(_("Tệp tải lên: %(n)s tệp, %(size)s.") % {"n": human_count(media_count),
                                                               "size": human_size(media_bytes)})
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "dondoc_version": dondoc_version(),
                "django_version": django.get_version(), "python_version": platform.python_version(),
                "created_at": snapshot_at.astimezone(dt.UTC).isoformat(),
                "database": {"vendor": connection.vendor, "version": version},
                "migrations": [list(k) for k in migrations],
                "tables": tables,
                "files": writer.files,
                "totals": {"tables": len(tables), "rows": sum(t["rows"] for t in tables),
                           "media_files": media_count, "media_bytes": media_bytes},
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            writer.add_bytes(MANIFEST, body)
            writer.add_bytes(MANIFEST_SUM, f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode("ascii"))
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, archive)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    progress(_("Đã ghi bản sao lưu %(path)s (%(size)s).") % {"path": archive,
                                                             "size": human_size(archive.stat().st_size)})
    return manifest


def _server_version(vendor: str, cursor: Any) -> str:
    queries = {"sqlite": "SELECT sqlite_version()", "postgresql": "SHOW server_version"}
    if vendor not in queries:
        return ""
    cursor.execute(queries[vendor])
    return str(cursor.fetchone()[0])


# --- reading and checking an archive ------------------------------------------------------------------------------

def _corrupt(detail: str) -> BackupError:
    return BackupError(_("Bản sao lưu bị hỏng hoặc không đầy đủ: %(detail)s") % {"detail": detail})


def _safe_relative(member: str, area: str) -> PurePosixPath:
    """The path under the area's folder a member stands for; refuses anything that could leave it."""
    path = PurePosixPath(member)
    parts = path.parts
    if (path.is_absolute() or len(parts) < 2 or parts[0] != area or any(p in {"", ".", ".."} for p in parts)
            or "\\" in member or "\x00" in member):
        raise _corrupt(_("tên tệp không hợp lệ %(name)s") % {"name": member})
    return PurePosixPath(*parts[1:])


class Archive:
    """An opened archive whose manifest has been read (not yet verified: see ``verify``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BackupError(_("Không tìm thấy tệp sao lưu %(path)s.") % {"path": self.path})
        try:
            self.tar = tarfile.open(self.path, mode="r:")  # noqa: SIM115 - closed by close() / the with block
            self.members = {m.name: m for m in self.tar.getmembers()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise _corrupt(_("không đọc được tệp tar (%(error)s)") % {"error": exc}) from exc
        if MANIFEST not in self.members or MANIFEST_SUM not in self.members:
            raise _corrupt(_("không có bảng kê manifest.json (tệp bị cắt cụt hoặc không phải bản sao lưu dondoc)"))
        body = self._read_small(MANIFEST)
        expected = self._read_small(MANIFEST_SUM).decode("ascii", "replace").split()[:1]
        if [hashlib.sha256(body).hexdigest()] != expected:
            raise _corrupt(_("bảng kê manifest.json không khớp mã kiểm tra của nó"))
        try:
            self.manifest: dict[str, Any] = json.loads(body)
        except ValueError as exc:
            raise _corrupt(_("bảng kê manifest.json không đọc được")) from exc
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise BackupError(_("Tệp %(path)s không phải bản sao lưu dondoc.") % {"path": self.path})
        found = self.manifest.get("format_version")
        if not isinstance(found, int) or found > FORMAT_VERSION:
            raise BackupError(_("Bản sao lưu có định dạng phiên bản %(found)s, do dondoc %(version)s tạo; phiên bản "
                                "này chỉ đọc được tới định dạng %(supported)s. Hãy khôi phục bằng dondoc %(version)s "
                                "hoặc mới hơn.") % {"found": found, "supported": FORMAT_VERSION,
                                                    "version": self.manifest.get("dondoc_version", "?")})
        try:
            self.files = {f["member"]: f for f in self.manifest["files"]}
            self.tables = list(self.manifest["tables"])
            for table in self.tables:
                if table["member"] not in self.files:
                    raise KeyError(table["member"])
        except (KeyError, TypeError) as exc:
            raise _corrupt(_("bảng kê manifest.json thiếu thông tin (%(error)s)") % {"error": exc}) from exc

    def close(self) -> None:
        self.tar.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_small(self, name: str) -> bytes:
        member = self.members[name]
        if not member.isreg() or member.size > 512 * 1024 * 1024:
            raise _corrupt(name)
        handle = self.tar.extractfile(member)
        assert handle is not None
        return handle.read()

    @property
    def migrations(self) -> set[tuple[str, str]]:
        return {(a, n) for a, n in self.manifest.get("migrations", [])}

    def open_member(self, name: str) -> _VerifyingReader:
        """A member's bytes, hashed as they are read; ``finish()`` raises if they differ from the manifest."""
        entry = self.files.get(name)
        member = self.members.get(name)
        if entry is None or member is None or not member.isreg():
            raise _corrupt(_("thiếu tệp %(name)s") % {"name": name})
        if member.size != entry["size"]:
            raise _corrupt(_("tệp %(name)s có %(found)s byte thay vì %(expected)s")
                           % {"name": name, "found": member.size, "expected": entry["size"]})
        handle = self.tar.extractfile(member)
        assert handle is not None
        return _VerifyingReader(handle, name, entry["sha256"])

    def entries(self, area: str) -> list[dict[str, Any]]:
        return [f for f in self.manifest["files"] if f["member"].startswith(area + "/")]

    def verify(self, progress: Progress = _quiet) -> None:
        """Every member's size and SHA-256, every table's row count, no member the manifest does not list."""
        unknown = sorted(set(self.members) - set(self.files) - {MANIFEST, MANIFEST_SUM})
        if unknown:
            raise _corrupt(_("có tệp không nằm trong bảng kê: %(names)s") % {"names": ", ".join(unknown[:5])})
        for entry in self.manifest["files"]:
            area = entry["member"].split("/", 1)[0]
            if area not in AREAS:
                raise _corrupt(_("tên tệp không hợp lệ %(name)s") % {"name": entry["member"]})
            _safe_relative(entry["member"], area)
        checked = 0
        for table in self.tables:
            rows = self.count_rows(table)
            if rows != table["rows"]:
                raise _corrupt(_("bảng %(table)s có %(found)s dòng thay vì %(expected)s")
                               % {"table": table["model"], "found": rows, "expected": table["rows"]})
            checked += 1
        progress(_("Cơ sở dữ liệu: %(n)s bảng, %(rows)s dòng — khớp mã kiểm tra.")
                 % {"n": checked, "rows": human_count(sum(t["rows"] for t in self.tables))})
        for area in (MEDIA, DOSSIERS):
            entries = self.entries(area)
            for number, entry in enumerate(entries, 1):
                with self.open_member(entry["member"]) as reader:
                    while reader.read(COPY_BUFFER):
                        pass
                if number % 1000 == 0:
                    progress(_("  %(i)s/%(n)s tệp…") % {"i": human_count(number), "n": human_count(len(entries))})
            if entries:
                label = _("Tệp tải lên") if area == MEDIA else _("Kho hồ sơ một cửa")
                progress(_("%(label)s: %(n)s tệp, %(size)s — khớp mã kiểm tra.")
                         % {"label": label, "n": human_count(len(entries)),
                            "size": human_size(sum(e["size"] for e in entries))})

    def count_rows(self, table: dict[str, Any]) -> int:
        with self.table_rows(table) as (_names, rows):
            return sum(1 for _row in rows)

    @contextlib.contextmanager
    def table_rows(self, table: dict[str, Any]) -> Iterator[tuple[list[str], Iterator[list[Any]]]]:
        """The table's column names and its rows; the member's SHA-256 is checked when the block ends."""
        with self.open_member(table["member"]) as reader:
            lines = _lines(reader, table["member"])
            header = _json(next(lines, "null"), table)
            if not isinstance(header, dict) or header.get("model") != table["model"] \
                    or not isinstance(header.get("fields"), list):
                raise _corrupt(_("bảng %(table)s không đúng") % {"table": table["model"]})
            yield header["fields"], (_json(line, table) for line in lines)


class _VerifyingReader(io.RawIOBase):
    def __init__(self, raw: IO[bytes], name: str, sha256: str) -> None:
        super().__init__()
        self.raw, self.name_in_archive, self.expected, self.sha = raw, name, sha256, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.sha.update(data)
        buffer[:len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        return data

    def finish(self) -> None:
        while self.read(COPY_BUFFER):
            pass
        if self.sha.hexdigest() != self.expected:
            raise _corrupt(_("tệp %(name)s không khớp mã kiểm tra SHA-256") % {"name": self.name_in_archive})

    def __exit__(self, kind: Any, *rest: Any) -> None:
        try:
            if kind is None:
                self.finish()
        finally:
            self.close()


def _json(line: str, table: dict[str, Any]) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        raise _corrupt(_("bảng %(table)s không đọc được") % {"table": table["model"]}) from exc


def _lines(reader: _VerifyingReader, name: str) -> Iterator[str]:
    try:
        with gzip.GzipFile(fileobj=reader, mode="rb") as gz:
            for line in io.TextIOWrapper(gz, encoding="utf-8", newline="\n"):
                if line.strip():
                    yield line
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise _corrupt(_("tệp %(name)s không giải nén được (%(error)s)") % {"name": name, "error": exc}) from exc


def check_backup(path: Path, *, progress: Progress = _quiet) -> dict[str, Any]:
    """Verify an archive without restoring it; returns its manifest. Raises BackupError."""
    with Archive(path) as archive:
        progress(describe(archive.manifest))
        archive.verify(progress)
        return archive.manifest


def describe(manifest: dict[str, Any]) -> str:
    totals = manifest.get("totals", {})
    database = manifest.get("database", {})
    try:
        created = timezone.localtime(dt.datetime.fromisoformat(manifest["created_at"])).strftime("%d/%m/%Y %H:%M:%S")
    except (KeyError, TypeError, ValueError):
        created = "?"
    return _("Bản sao lưu dondoc %(version)s tạo lúc %(at)s từ %(vendor)s %(db_version)s: %(tables)s bảng, "
             "%(rows)s dòng, %(files)s tệp tải lên (%(size)s).") % {
        "version": manifest.get("dondoc_version", "?"), "at": created,
        "vendor": database.get("vendor", "?"), "db_version": database.get("version", ""),
        "tables": totals.get("tables", "?"), "rows": human_count(int(totals.get("rows", 0))),
        "files": human_count(int(totals.get("media_files", 0))), "size": human_size(totals.get("media_bytes", 0))}


def migration_mismatch(archived: set[tuple[str, str]], code: set[tuple[str, str]], version: str) -> str | None:
    """A Vietnamese explanation when an archive's migrations are not the code's, else None."""
    newer, older = sorted(archived - code), sorted(code - archived)
    if not newer and not older:
        return None
    names = ", ".join(f"{a}.{n}" for a, n in (newer or older)[:5]) + (" …" if len(newer or older) > 5 else "")
    if newer:
        return _("Bản sao lưu được tạo bởi phiên bản dondoc khác (%(version)s): có migration mà mã nguồn này không "
                 "có (%(names)s). Hãy khôi phục bằng đúng phiên bản %(version)s.") % {"version": version,
                                                                                       "names": names}
    return _("Bản sao lưu được tạo bởi phiên bản dondoc cũ hơn (%(version)s): thiếu các migration %(names)s. Hãy "
             "khôi phục bằng phiên bản %(version)s, rồi nâng cấp và chạy `dondoc migrate`.") % {"version": version,
                                                                                              "names": names}


# --- restoring ------------------------------------------------------------------------------------------------------

def tables_with_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The models whose existing tables hold rows that `migrate` does not create itself."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    found = []
    for model in backed_up_models(using):
        label = model._meta.label_lower
        if label in CREATED_BY_MIGRATE or model._meta.db_table not in existing:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} LIMIT 1")
            if cursor.fetchone():
                found.append(label)
    return found


def _pending_migrations(using: str) -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class _Staged:
    """New contents for a folder, written beside its entries and swapped in by renames (and back)."""

    def __init__(self, root: Path, keep: set[str]) -> None:
        self.root, self.keep = root, keep
        self.work = root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        self.new, self.old = self.work / "new", self.work / "old"
        self.moves: list[tuple[Path, Path]] = []
        self.keep_work = False

    def prepare(self) -> None:
        self.new.mkdir(parents=True)
        self.old.mkdir()

    def swap(self) -> None:
        for entry in sorted(self.root.iterdir()):
            if entry.name in self.keep or entry.name.startswith(STAGING_PREFIX):
                continue
            self._move(entry, self.old / entry.name)
        for entry in sorted(self.new.iterdir()):
            self._move(entry, self.root / entry.name)

    def _move(self, source: Path, target: Path) -> None:
        os.rename(source, target)
        self.moves.append((source, target))

    def undo(self) -> None:
        failed = False
        for source, target in reversed(self.moves):
            try:
                os.rename(target, source)
            except OSError:
                failed = True
        self.moves.clear()
        if failed:  # keep what could not be put back: the old files are in work/old
            self.keep_work = True
            raise BackupError(_("Không đưa lại được các tệp cũ vào %(root)s: chúng nằm trong %(work)s, hãy chuyển "
                                "về bằng tay.") % {"root": self.root, "work": self.old})

    def discard(self) -> None:
        if not self.keep_work:
            shutil.rmtree(self.work, ignore_errors=True)


def _stage_files(archive: Archive, area: str, staged: _Staged, progress: Progress) -> None:
    entries = archive.entries(area)
    staged.prepare()
    for number, entry in enumerate(entries, 1):
        relative = _safe_relative(entry["member"], area)
        target = staged.new.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open_member(entry["member"]) as reader, target.open("wb") as out:
            shutil.copyfileobj(reader, out, COPY_BUFFER)
        if entry.get("mtime"):
            os.utime(target, (entry["mtime"], entry["mtime"]))
        if number % 500 == 0:
            progress(_("  %(i)s/%(n)s tệp…") % {"i": human_count(number), "n": human_count(len(entries))})


def _load_table(model: type[Model], alias: str, archive: Archive, table: dict[str, Any], progress: Progress) -> int:
    connection = connections[alias]
    fields = local_fields(model)
    by_name = {f.attname: f for f in fields}
    manager = model._base_manager.using(alias)
    count = 0
    with archive.table_rows(table) as (names, rows):
        if set(names) != set(by_name):
            raise BackupError(_("Bảng %(table)s trong bản sao lưu có các cột %(found)s, mã nguồn có %(expected)s.")
                              % {"table": table["model"], "found": ", ".join(names),
                                 "expected": ", ".join(by_name)})
        columns = [by_name[n] for n in names]
        size = max(1, min(INSERT_ROWS, connection.ops.bulk_batch_size(columns, [None] * INSERT_ROWS)))
        batch: list[Model] = []
        for row in rows:
            batch.append(model(**{f.attname: f.to_python(v) for f, v in zip(columns, row, strict=True)}))
            if len(batch) >= size:
                # Raw inserts, as loaddata's: values as stored (no auto_now), no signals (no audit entries).
                manager._insert(batch, fields=columns, using=alias, raw=True)
                count += len(batch)
                batch = []
                if count % 100_000 < size:
                    progress(_("  %(table)s: %(rows)s dòng…") % {"table": table["model"], "rows": human_count(count)})
        if batch:
            manager._insert(batch, fields=columns, using=alias, raw=True)
            count += len(batch)
    return count


def restore_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None,
                   dossier_dir: Path | None = None, force: bool = False, progress: Progress = _quiet
                   ) -> dict[str, Any]:
    """Replace the database, the uploaded files and the dossier store by the archive's. Raises BackupError (nothing
    changed). Returns the manifest."""
    media_root = Path(media_root or settings.MEDIA_ROOT).resolve()
    dossier_dir = Path(dossier_dir or settings.DONDOC_DOSSIER_DIR).resolve()
    with Archive(path) as archive:
        manifest = archive.manifest
        progress(describe(manifest))
        progress(_("Kiểm tra bản sao lưu…"))
        archive.verify(progress)
        mismatch = migration_mismatch(archive.migrations, code_migrations(), manifest.get("dondoc_version", "?"))
        if mismatch:
            raise BackupError(mismatch)
        models = {m._meta.label_lower: m for m in backed_up_models(using)}
        unknown = [t["model"] for t in archive.tables if t["model"] not in models]
        missing = sorted(set(models) - {t["model"] for t in archive.tables})
        if unknown or missing:
            raise BackupError(_("Các bảng trong bản sao lưu không khớp mã nguồn (thừa: %(extra)s; thiếu: %(missing)s).")
                              % {"extra": ", ".join(unknown) or "—", "missing": ", ".join(missing) or "—"})
        held = tables_with_data(using)
        if held and not force:
            raise BackupError(_("Cơ sở dữ liệu đích đã có dữ liệu (%(tables)s). Khôi phục sẽ thay toàn bộ dữ liệu đó: "
                                "chạy lại với --force nếu chắc chắn, hoặc khôi phục vào một cơ sở dữ liệu mới.")
                              % {"tables": ", ".join(held[:6]) + (" …" if len(held) > 6 else "")})
        nested = _first_part_under(dossier_dir, media_root)
        lost = _files_replaced(archive, media_root, dossier_dir, {nested} if nested else set())
        if lost and not force:
            raise BackupError(_("Thư mục tệp đích đã có tệp không có trong bản sao lưu (%(files)s). Khôi phục sẽ thay "
                                "toàn bộ: chạy lại với --force nếu chắc chắn.")
                              % {"files": ", ".join(lost[:5]) + (" …" if len(lost) > 5 else "")})
        if connections[using].in_atomic_block:
            raise RuntimeError("a restore runs its own transaction: call it outside any transaction")
        if _pending_migrations(using):
            progress(_("Tạo bảng cho cơ sở dữ liệu đích (migrate)…"))
            call_command("migrate", database=using, interactive=False, verbosity=0)
        mismatch = migration_mismatch(archive.migrations, set(applied_migrations(using)),
                                      manifest.get("dondoc_version", "?"))
        if mismatch:
            raise BackupError(mismatch)
        areas = [(MEDIA, _Staged(media_root, {nested} if nested else set())),
                 (DOSSIERS, _Staged(dossier_dir, {".lock"}))]
        with contextlib.ExitStack() as cleanup:
            for area, staged in areas:
                staged.root.mkdir(parents=True, exist_ok=True)
                cleanup.callback(staged.discard)
                progress(_("Giải nén và kiểm tra %(what)s…")
                         % {"what": _("tệp tải lên") if area == MEDIA else _("kho hồ sơ một cửa")})
                _stage_files(archive, area, staged, progress)
            cleanup.enter_context(DossierStore(dossier_dir).locked())
            _restore_database(archive, models, using, areas, progress)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    refresh_planner_statistics(using)  # a bulk load: the query planner's statistics are stale
    progress(_("Đã khôi phục: %(rows)s dòng, %(files)s tệp tải lên, %(dossiers)s tệp kho hồ sơ.")
             % {"rows": human_count(sum(t["rows"] for t in archive.tables)),
                "files": human_count(len(archive.entries(MEDIA))),
                "dossiers": human_count(len(archive.entries(DOSSIERS)))})
    return manifest


def _files_replaced(archive: Archive, media_root: Path, dossier_dir: Path, skip: set[str]) -> list[str]:
    """Files in the target folders a restore would remove or change: an uploaded file the archive does not hold (or
    holds with another size), a dossier store at another generation. The same installation's files (moving from
    SQLite to PostgreSQL on the same host) are not in the way."""
    held = {e["member"].split("/", 1)[1]: e["size"] for e in archive.entries(MEDIA)}
    lost = []
    for path in _walk(media_root, skip=[media_root / name for name in skip]):
        relative = path.relative_to(media_root).as_posix()
        if held.get(relative) != path.stat().st_size:
            lost.append(relative)
    pointer = dossier_dir / "CURRENT"
    archived = f"{DOSSIERS}/CURRENT"
    if pointer.is_file():
        if archived not in archive.files:
            lost.append(str(pointer))
        else:
            with archive.open_member(archived) as reader:
                if reader.read().strip() != pointer.read_bytes().strip():
                    lost.append(str(pointer))
    return lost


def _first_part_under(inner: Path, outer: Path) -> str | None:
    try:
        relative = inner.relative_to(outer)
    except ValueError:
        return None
    return relative.parts[0] if relative.parts else None


def _restore_database(archive: Archive, models: dict[str, type[Model]], using: str,
                      areas: list[tuple[str, _Staged]], progress: Progress) -> None:
    connection = connections[using]
    swapped = False
    try:
        with transaction.atomic(using=using):
            tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
            with connection.cursor() as cursor:
                for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False,
                                                    allow_cascade=connection.vendor == "postgresql"):
                    cursor.execute(sql)
            for number, table in enumerate(archive.tables, 1):
                model = models[table["model"]]
                rows = _load_table(model, using, archive, table, progress)
                stored = model._base_manager.using(using).count()
                if rows != table["rows"] or stored != table["rows"]:
                    raise _corrupt(_("bảng %(table)s: %(found)s dòng thay vì %(expected)s")
                                   % {"table": table["model"], "found": stored, "expected": table["rows"]})
                if rows:
                    progress(_("[%(i)s/%(n)s] %(table)s: %(rows)s dòng")
                             % {"i": number, "n": len(archive.tables), "table": table["model"],
                                "rows": human_count(rows)})
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
                    cursor.execute(sql)
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign keys checked now
                else:
                    connection.check_constraints()
            for _area, staged in areas:
                swapped = True
                staged.swap()
    except IntegrityError as exc:
        _undo(areas, swapped)
        raise BackupError(_("Dữ liệu trong bản sao lưu không nhất quán (%(error)s): không khôi phục.")
                          % {"error": exc}) from exc
    except DatabaseError as exc:
        _undo(areas, swapped)
        raise BackupError(_("Lỗi cơ sở dữ liệu khi khôi phục (%(error)s): cơ sở dữ liệu giữ nguyên như trước.")
                          % {"error": exc}) from exc
    except BaseException:
        _undo(areas, swapped)
        raise


def _undo(areas: list[tuple[str, _Staged]], swapped: bool) -> None:
    if swapped:
        for _area, staged in reversed(areas):
            staged.undo()
