"""`dondoc backup [ARCHIVE]`: the database, the uploaded files and the dossier store in one archive;
`dondoc backup --check ARCHIVE` verifies an archive without restoring it. The format: dondoc/web/backup.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.web.backup import BackupError, check_backup, code_migrations, create_backup, migration_mismatch


class Command(BaseCommand):
    help = gettext_lazy("Sao lưu cơ sở dữ liệu, tệp tải lên và kho hồ sơ một cửa vào một tệp (tar); --check TỆP "
                        "để kiểm tra một bản sao lưu mà không khôi phục.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", nargs="?", help=_("tệp sao lưu cần tạo, hoặc thư mục chứa nó (mặc định: "
                                                         "<DONDOC_DATA_DIR>/backups/dondoc-NGÀY-GIỜ.tar)"))
        parser.add_argument("--check", metavar="ARCHIVE", help=_("kiểm tra toàn vẹn một bản sao lưu, không khôi phục"))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=_("bí danh cơ sở dữ liệu (mặc định: default)"))

    def handle(self, *args: Any, archive: str | None, check: str | None, database: str, **options: Any) -> None:
        progress = self._progress if options.get("verbosity", 1) >= 1 else (lambda message: None)
        try:
            if check:
                manifest = check_backup(Path(check), progress=progress)
                self.stdout.write(self.style.SUCCESS(_("Bản sao lưu %(path)s toàn vẹn.") % {"path": check}))
                mismatch = migration_mismatch({(a, n) for a, n in manifest["migrations"]}, code_migrations(),
                                              manifest.get("dondoc_version", "?"))
                if mismatch:
                    self.stdout.write(self.style.WARNING(_("Lưu ý: %(why)s") % {"why": mismatch}))
                return
            create_backup(self._target(archive), using=database, progress=progress)
        except BackupError as exc:
            raise CommandError(exc.message) from exc

    def _target(self, archive: str | None) -> Path:
        name = f"dondoc-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
        if not archive:
            return Path(settings.DATA_DIR) / "backups" / name
        path = Path(archive)
        return path / name if path.is_dir() else path

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
