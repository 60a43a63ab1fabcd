"""`dondoc restore ARCHIVE [--force]`: the database, the uploaded files and the dossier store from a `dondoc backup`
archive, into a new (or emptied with --force) database. Stop the web and the job workers first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.web.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = gettext_lazy("Khôi phục cơ sở dữ liệu, tệp tải lên và kho hồ sơ một cửa từ một bản sao lưu của "
                        "`dondoc backup`. Hãy dừng máy chủ web và tiến trình xử lý hàng đợi trước.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help=_("tệp sao lưu (.tar)"))
        parser.add_argument("--force", action="store_true",
                            help=_("thay cả một cơ sở dữ liệu đang có dữ liệu (toàn bộ dữ liệu cũ bị xóa)"))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=_("bí danh cơ sở dữ liệu (mặc định: default)"))

    def handle(self, *args: Any, archive: str, force: bool, database: str, **options: Any) -> None:
        progress = self._progress if options.get("verbosity", 1) >= 1 else (lambda message: None)
        try:
            restore_backup(Path(archive), using=database, force=force, progress=progress)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(_("Khôi phục xong.")))

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
