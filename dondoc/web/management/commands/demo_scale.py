"""`dondoc demo_scale`: a whole province at scale in an empty database (dondoc.web.scale), for load tests and
benchmarks: ≈250 agencies, three years of plans, ≈30,000 tasks with their history, reports, dossiers, scores."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dondoc.web import scale


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Ngày “{text}” không đúng dạng YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = ("Tạo dữ liệu quy mô một tỉnh (cơ quan, tài khoản, kế hoạch ba năm, nhiệm vụ và tiến độ, báo cáo, hồ sơ "
            "một cửa, chấm điểm) trong một cơ sở dữ liệu trống, để thử tải và đo hiệu năng.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu")
        parser.add_argument("--years", type=int, nargs="+", default=None,
                            help="các năm kế hoạch (mặc định: năm nay và hai năm trước)")
        parser.add_argument("--agencies", type=int, default=250, help="số cơ quan, đơn vị (mặc định 250)")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="hệ số khối lượng nhiệm vụ, tiến độ, hồ sơ (1 ≈ 30.000 nhiệm vụ trong ba năm)")
        parser.add_argument("--password", default=scale.DEFAULT_PASSWORD, help="mật khẩu của mọi tài khoản")
        parser.add_argument("--today", type=_day, default=None,
                            help="ngày “hôm nay” của dữ liệu, YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args: Any, seed: int, years: list[int] | None, agencies: int, scale: float,
               password: str, today: date | None, **options: Any) -> None:
        from dondoc.web import scale as builder

        opts = builder.Options(seed=seed, years=tuple(years or ()), agencies=agencies, scale=scale,
                               password=password, today=today)
        resolved = opts.resolved()
        self.stdout.write(f"Tạo dữ liệu quy mô tỉnh: hạt giống {seed}, các năm "
                          f"{', '.join(str(y) for y in resolved.years)}, {agencies} cơ quan, hệ số {scale:g}, "
                          f"ngày dữ liệu {resolved.today:%d/%m/%Y}. Việc này mất vài phút.")
        started = time.perf_counter()
        try:
            counts = builder.build(opts, say=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except builder.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        minutes, seconds = divmod(round(time.perf_counter() - started), 60)
        def n(name: str) -> str:
            return f"{counts.get(name, 0):,}".replace(",", ".")

        self.stdout.write(self.style.SUCCESS(
            f"Xong sau {minutes} phút {seconds} giây: {n('agencies')} cơ quan, {n('users')} tài khoản, "
            f"{n('plans')} kế hoạch, {n('tasks')} nhiệm vụ, {n('progress_updates')} lần cập nhật tiến độ, "
            f"{n('reports')} báo cáo, {n('dossiers')} hồ sơ một cửa."))
        self.stdout.write(f"Tài khoản (mật khẩu cho tất cả: {password}): quantri (quản trị), thuongtruc, thuongtruc2, "
                          "thuongtruc3 (cơ quan thường trực, Sở Nội vụ), nguoixem (người xem); mỗi cơ quan một cán "
                          "bộ đầu mối và một lãnh đạo: daumoi000/lanhdao000 (UBND tỉnh), daumoi001/lanhdao001 "
                          "(Sở Nội vụ), … theo thứ tự trong danh mục cơ quan.")
