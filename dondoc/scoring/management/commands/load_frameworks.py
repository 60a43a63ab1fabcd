"""`dondoc load_frameworks [--year N]`: install every framework dondoc ships for an assessment year.

Frameworks already installed for that year are left as they are (the command can be run again); a shipped file
that cannot be read is reported and skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dondoc.scoring import frameworks, services
from dondoc.scoring.models import Framework
from dondoc.scoring.rules import number_text


class Command(BaseCommand):
    help = ("Cài mọi bộ chỉ số CCHC đi kèm phần mềm cho một năm đánh giá (mặc định năm nay); bộ đã có trong năm "
            "đó được giữ nguyên.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, help="năm đánh giá (mặc định năm nay)")

    def handle(self, *args: Any, year: int | None = None, **options: Any) -> None:
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ (cần từ 2000 đến 2100).")
        paths = frameworks.shipped()
        if not paths:
            self.stdout.write("Không có bộ chỉ số nào đi kèm phần mềm.")
            return
        installed = skipped = failed = 0
        for path in paths:
            try:
                spec = frameworks.load(path)
            except frameworks.FrameworkError as exc:
                self.stderr.write(f"{path.name}: {exc}")
                failed += 1
                continue
            if Framework.objects.filter(code=spec.code, year=year).exists():
                self.stdout.write(f"Đã có {spec.name} năm {year} ({path.name}): bỏ qua.")
                skipped += 1
                continue
            try:
                framework = services.install_framework(spec, year=year, actor=None)
            except ValidationError as exc:
                self.stderr.write(f"{path.name}: {' '.join(exc.messages)}")
                failed += 1
                continue
            installed += 1
            self.stdout.write(
                f"Đã cài {framework.name} năm {year} ({path.name}): {framework.criteria.count()} tiêu chí, "
                f"{len(spec.leaves())} mục được chấm, tổng {number_text(framework.total_points)} điểm.")
        self.stdout.write(f"Năm {year}: cài {installed}, đã có {skipped}, lỗi {failed}.")
