"""`dondoc load_demo`: the seed plans as demo data, the agencies they name, one account per role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dondoc.accounts.models import Role, User
from dondoc.agencies import services as agencies
from dondoc.importer import PlanImportError
from dondoc.indicators.demo import seed_dossiers
from dondoc.plans.imports import import_document
from dondoc.reports.demo import seed_reports
from dondoc.scoring.demo import seed_scoring
from dondoc.tracking.demo import spread_progress, summary
from dondoc.web.database import refresh_planner_statistics

# A local demonstration only; `make run` prints it. It is one shared, published password, so it is set deliberately
# here (no password form involved) — but it still has to pass AUTH_PASSWORD_VALIDATORS, checked for every account.
DEMO_PASSWORD = "dondoc-demo"
DEMO_ACCOUNTS = [  # username, role, agency the account belongs to, full name
    ("quantri", Role.ADMIN, "Sở Nội vụ", "Quản trị hệ thống"),
    ("thuongtruc", Role.STANDING, "Sở Nội vụ", "Cán bộ Sở Nội vụ"),
    ("daumoi", Role.FOCAL, "Sở Tư pháp", "Cán bộ đầu mối Sở Tư pháp"),
    ("lanhdao", Role.LEADER, "Sở Tư pháp", "Lãnh đạo Sở Tư pháp"),
    ("nguoixem", Role.VIEWER, "Sở Tài chính", "Người xem"),
]


class Command(BaseCommand):
    help = "Nạp các kế hoạch mẫu (seeds) làm dữ liệu trình diễn và tạo tài khoản mẫu cho mỗi vai trò."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seeds", default="../shared/seeds", help="thư mục chứa các văn bản kế hoạch mẫu")

    def handle(self, *args: Any, seeds: str, **options: Any) -> None:
        agencies.ensure_levels()
        folder = Path(seeds)
        files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
        if not files:
            raise CommandError(f"Không tìm thấy văn bản mẫu trong {folder}.")
        admin = self._account("quantri", Role.ADMIN, None, "Quản trị hệ thống")
        plans = []
        for path in files:
            try:
                plan, created = import_document(path, actor=admin)
            except PlanImportError as exc:
                self.stderr.write(f"{path.name}: {exc.message}")
                continue
            plans.append(plan)
            verb = "Đã nhập" if created else "Đã cập nhật"
            self.stdout.write(f"{verb} {path.name}: {plan.number or '(không số)'} — {plan.tasks.count()} nhiệm vụ")
        self.stdout.write(f"\nTài khoản trình diễn (mật khẩu cho tất cả: {DEMO_PASSWORD}):")
        for username, role, agency_name, full_name in DEMO_ACCOUNTS:
            agency = agencies.find(agency_name) or agencies.create_agency(agency_name, actor=admin)
            user = self._account(username, role, agency, full_name)
            self.stdout.write(f"  {username:<11} {Role(role).label:<22} {user.agency}")
        fates = spread_progress(plans, User.objects.get(username="thuongtruc"))
        numbers = summary()
        self.stdout.write(f"Tiến độ mẫu: {numbers['updates']} lần cập nhật, {numbers['done']} nhiệm vụ hoàn thành, "
                          f"{numbers['extensions']} lần gia hạn ({', '.join(f'{k}: {v}' for k, v in fates.items())})")
        drafts = seed_reports(plans, manager=admin, focal=User.objects.get(username="daumoi"))
        self.stdout.write(f"Báo cáo định kỳ mẫu: {drafts} dự thảo của Sở Tư pháp (kỳ đầu tiên của mỗi kế hoạch).")
        imported = seed_dossiers(actor=admin)
        if imported is not None:
            self.stdout.write(f"Dữ liệu hồ sơ một cửa mẫu: {imported.total:,} hồ sơ ({imported.get_state_display()}"
                              f"{': ' + imported.message if imported.message else ''}).".replace(",", "."))
        scored = seed_scoring(plans, manager=User.objects.get(username="thuongtruc"),
                              focal=User.objects.get(username="daumoi"))
        if scored:
            self.stdout.write(f"Chấm điểm Chỉ số CCHC mẫu: {scored['published']} bản đã công bố (năm trước), "
                              f"{scored['submitted']} bản chờ thẩm định, {scored['started']} bản đang tự chấm.")
        refresh_planner_statistics()  # the bulk load changed every table's shape

    def _account(self, username: str, role: str, agency: Any, full_name: str) -> User:
        user, _ = User.objects.get_or_create(username=username)
        user.role, user.first_name = role, full_name
        if agency is not None:
            user.agency = agency
        user.is_staff = user.is_superuser = role == Role.ADMIN
        try:
            validate_password(DEMO_PASSWORD, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user
