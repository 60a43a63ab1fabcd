"""`dondoc send_reminders [--date YYYY-MM-DD] [--digest]`: the daily reminder job, by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dondoc.tracking import reminders


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Ngày “{text}” không hợp lệ: hãy viết theo dạng NĂM-THÁNG-NGÀY, ví dụ 2025-03-08.") from exc


class Command(BaseCommand):
    help = ("Tạo các kỳ của nhiệm vụ định kỳ trong năm, nhắc việc sắp đến hạn và quá hạn (mỗi thông báo chỉ gửi "
            "một lần); với --digest gửi cả bản tổng hợp tuần cho cơ quan thường trực.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="chạy như thể hôm nay là ngày này (NĂM-THÁNG-NGÀY); mặc định hôm nay")
        parser.add_argument("--days", type=int, help="nhắc trước hạn bao nhiêu ngày (mặc định DONDOC_REMIND_DAYS)")
        parser.add_argument("--digest", action="store_true",
                            help="gửi cả bản tổng hợp tuần (mỗi tuần một lần cho mỗi người)")

    def handle(self, *args: Any, date: str | None = None, days: int | None = None, digest: bool = False,
               **options: Any) -> None:
        today = _day(date) if date else None
        if days is not None and days < 0:
            raise CommandError("Số ngày nhắc trước hạn không được âm.")
        run = reminders.send_reminders(today, days)
        self.stdout.write(run.summary())
        if digest:
            count = reminders.send_digest(run.day)
            self.stdout.write(f"Tổng hợp tuần: gửi {count} thông báo.")
