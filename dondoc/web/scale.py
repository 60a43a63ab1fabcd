"""A province at scale, generated from a seed: agencies, people, three years of plans and their follow-up, reports,
one-stop-shop dossiers and PAR-Index scores — for load tests, benchmarks and trying the app on realistic volumes.

`build(Options(...))` fills an empty database (`dondoc demo_scale` is its command). What it makes, by default:

- ≈250 agencies on the directory's levels: the province's people's committee, 28 departments, 11 districts,
  ≈210 communes and wards under them, each with its alias; the three group designations plans name;
- users: a focal officer and a leader per agency, the standing agency's officers (Sở Nội vụ), an administrator
  and a viewer, all with the given password;
- per year: the province's plan (targets, report periods of ND 09/2019) and one cascaded plan per agency linked to
  it (a department's plan takes over the province's tasks it leads), sections by the seven areas; ≈30,000 tasks
  over the three years with their milestones (due dates, ongoing, quarterly periods, conditions) and lead /
  coordinating agencies;
- each task's history over its year: ≈150,000 progress entries (progress, contributions, completion requests,
  approvals and refusals, condition events, recurring periods), evidence documents (a few with real files),
  extension requests and decisions, urging letters; the task's status, progress, dates and version are where
  its history leaves them;
- for each report period whose window has closed, the agencies' reports (most sent, some late, a few not) with
  their figures composed and frozen as submission does, the province's aggregates; drafts of the current period;
- one-stop-shop dossiers (≈300,000) generated and imported through the real import, the targets' actuals;
- the shipped PAR-Index frameworks for each year, scorecards self-scored, appraised and published for the past
  years, started for the current one; the daily reminders' notifications.

Bulk inserts where the volume demands it (tasks, history, reports of past periods), written as the services write
them: the same fields, search keys, versions, statuses, dates and audit events; a sample of every flow goes
through the services themselves (`clock` makes them write the simulated date). Row-level history
(django-auditlog) exists only for what the services wrote.

Deterministic: the same options (seed, years, agencies, scale, today) give the same data, on SQLite as on
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import random
import time as clock_time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from dondoc.accounts.models import Role, User
from dondoc.agencies.models import Agency, AgencyAlias, Level, alias_key
from dondoc.agencies.services import ensure_levels
from dondoc.audit.models import AuditEvent
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.importer.text import key
from dondoc.plans.models import Milestone, Plan, ReportPeriod, Section, Status, Target, Task, TaskAgency
from dondoc.tracking.models import Evidence, Extension, ProgressUpdate
from dondoc.web.database import refresh_planner_statistics

DEFAULT_PASSWORD = "dondoc-quy-mo"  # a local data set for load tests only; the command prints it
ROWS_PER_SCALE = 300_000  # one-stop-shop dossiers over the years at scale 1

# tasks of one plan at scale 1 (±20%): 120 + 28×60 + 11×90 + 210×33 ≈ 9,800 a year, ≈30,000 over three
TASKS_PER_PLAN = {"province": 120, "department": 60, "district": 90, "commune": 33}

DEPARTMENTS = [  # the standing agency and the areas' lead departments first: a small province keeps them
    "Sở Nội vụ", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ",
    "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp", "Ban Quản lý dự án đầu tư xây dựng", "Đài Phát thanh và Truyền hình tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh", "Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh", "Bảo hiểm xã hội tỉnh",
    "Thuế tỉnh", "Kho bạc Nhà nước khu vực", "Thống kê tỉnh", "Trường Cao đẳng Y tế", "Trường Cao đẳng Kỹ thuật",
    "Quỹ Đầu tư phát triển tỉnh", "Sở Du lịch",
]
SYMBOLS = {"Sở Nội vụ": "SNV", "Văn phòng Ủy ban nhân dân tỉnh": "VPUBND", "Sở Tư pháp": "STP",
           "Sở Tài chính": "STC", "Sở Khoa học và Công nghệ": "SKHCN", "Thanh tra tỉnh": "TTr"}
# the lead department of each area (DOMAIN.md): the province plan's tasks of the area go mostly to it
AREA_LEAD = {"chi_dao": "Sở Nội vụ", "the_che": "Sở Tư pháp", "tthc": "Văn phòng Ủy ban nhân dân tỉnh",
             "to_chuc_bo_may": "Sở Nội vụ", "cong_vu": "Sở Nội vụ", "tai_chinh_cong": "Sở Tài chính",
             "chinh_quyen_so": "Sở Khoa học và Công nghệ"}
DISTRICTS = ["Thành phố Hòa Bình Xanh", "Mường Xanh", "Lạc Sơn", "Kim Bôi", "Tân Lạc", "Mai Châu", "Lương Sơn",
             "Yên Thủy", "Đà Bắc", "Cao Phong", "Lạc Thủy", "Kỳ Sơn", "Thanh Chương", "Đô Lương"]
COMMUNE_FIRST = ["Tân", "Phú", "An", "Bình", "Hòa", "Thạnh", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Quảng",
                 "Vĩnh", "Hưng", "Thuận", "Đức", "Xuân"]
COMMUNE_SECOND = ["Lợi", "Hòa", "Phú", "Thịnh", "Xuân", "An", "Lộc", "Sơn", "Thành", "Tiến", "Hải", "Trung",
                  "Minh", "Phong", "Điền", "Nghĩa"]
PROVINCE_NAME = "Hòa Bình Xanh"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lò", "Cầm",
          "Hà", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hữu", "Hồng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]

# (content, output) per area: "{a}" is the agency that carries the task out
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "chi_dao": [
        ("Xây dựng, ban hành Kế hoạch cải cách hành chính năm {y} của {a}", "Kế hoạch"),
        ("Tuyên truyền về cải cách hành chính trên cổng thông tin điện tử của {a}", "Tin, bài tuyên truyền"),
        ("Kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc {a}", "Kế hoạch, báo cáo kiểm tra"),
        ("Báo cáo định kỳ kết quả thực hiện công tác cải cách hành chính của {a}", "Báo cáo"),
        ("Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {y} của {a}", "Báo cáo tự đánh giá"),
        ("Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của {a}", "Báo cáo kết quả khảo sát"),
    ],
    "the_che": [
        ("Rà soát, hệ thống hóa văn bản quy phạm pháp luật do {a} tham mưu ban hành", "Quyết định công bố"),
        ("Tự kiểm tra văn bản quy phạm pháp luật thuộc lĩnh vực quản lý của {a}", "Báo cáo kết quả"),
        ("Theo dõi tình hình thi hành pháp luật trong lĩnh vực được giao của {a}", "Báo cáo"),
        ("Xây dựng dự thảo văn bản quy phạm pháp luật theo Chương trình năm {y}", "Dự thảo văn bản"),
    ],
    "tthc": [
        ("Rà soát, đánh giá quy định, thủ tục hành chính thuộc thẩm quyền của {a}", "Báo cáo rà soát"),
        ("Công khai thủ tục hành chính trên Cổng dịch vụ công và tại Bộ phận Một cửa của {a}", "Danh mục công khai"),
        ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại {a}", "Báo cáo kết quả số hóa"),
        ("Xây dựng quy trình nội bộ giải quyết thủ tục hành chính của {a}", "Quyết định phê duyệt quy trình"),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính tại {a}", "Báo cáo"),
        ("Nâng cao tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn tại {a}", "Báo cáo"),
    ],
    "to_chuc_bo_may": [
        ("Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức của {a}", "Quyết định quy định chức năng, nhiệm vụ"),
        ("Sắp xếp, kiện toàn các đơn vị trực thuộc {a}", "Đề án sắp xếp"),
        ("Thực hiện tinh giản biên chế theo kế hoạch năm {y} của {a}", "Báo cáo kết quả tinh giản biên chế"),
    ],
    "cong_vu": [
        ("Rà soát, hoàn thiện Đề án vị trí việc làm của {a}", "Đề án vị trí việc làm"),
        ("Đào tạo, bồi dưỡng cán bộ, công chức, viên chức của {a} năm {y}", "Kế hoạch, báo cáo bồi dưỡng"),
        ("Đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm {y} của {a}", "Quyết định xếp loại"),
        ("Tăng cường kỷ luật, kỷ cương hành chính tại {a}", "Công văn chỉ đạo"),
    ],
    "tai_chinh_cong": [
        ("Thực hiện cơ chế tự chủ tài chính của các đơn vị sự nghiệp công lập thuộc {a}", "Quyết định giao tự chủ"),
        ("Công khai dự toán, quyết toán ngân sách năm {y} của {a}", "Báo cáo công khai"),
        ("Rà soát, sửa đổi quy chế chi tiêu nội bộ của {a}", "Quy chế chi tiêu nội bộ"),
    ],
    "chinh_quyen_so": [
        ("Cung cấp dịch vụ công trực tuyến toàn trình thuộc thẩm quyền của {a}", "Danh mục dịch vụ công"),
        ("Sử dụng chữ ký số trong xử lý văn bản điện tử tại {a}", "Báo cáo"),
        ("Cập nhật, khai thác cơ sở dữ liệu chuyên ngành của {a}", "Báo cáo"),
        ("Bảo đảm an toàn thông tin mạng trong hoạt động của {a}", "Phương án bảo đảm an toàn thông tin"),
        ("Vận hành hệ thống quản lý văn bản và điều hành của {a}", "Báo cáo"),
    ],
}
AREAS = list(AREA_NAMES)
AREA_WEIGHTS = [10, 12, 24, 8, 14, 8, 24]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]

PROGRESS_TEXTS = [
    "Đã xây dựng dự thảo, đang lấy ý kiến các cơ quan liên quan.",
    "Đã tổ chức triển khai, đang tổng hợp kết quả.",
    "Đã ban hành văn bản hướng dẫn, đang theo dõi thực hiện.",
    "Đang rà soát, hoàn thiện hồ sơ trình cấp có thẩm quyền.",
    "Đã hoàn thành phần lớn khối lượng công việc theo kế hoạch.",
]
CONTRIBUTIONS = [
    "Đã phối hợp cung cấp thông tin, số liệu theo đề nghị của cơ quan chủ trì.",
    "Đã góp ý dự thảo văn bản theo đề nghị của cơ quan chủ trì.",
    "Đã cử cán bộ tham gia tổ công tác liên ngành.",
]
PAUSE_REASONS = ["Tạm dừng chờ hướng dẫn của cơ quan cấp trên.", "Tạm dừng do sắp xếp tổ chức bộ máy."]
CANCEL_REASONS = ["Không thực hiện do văn bản căn cứ đã được thay thế.", "Nhiệm vụ được điều chỉnh sang năm sau."]
DOC_ABBR = {"quyet_dinh": "QĐ", "ke_hoach": "KH", "bao_cao": "BC", "cong_van": "", "khac": "TB"}

Say = Callable[[str], None]


class ScaleError(Exception):
    """The data set cannot be built (a database that already holds plans, bad options); message in Vietnamese."""


@dataclass(frozen=True)
class Options:
    seed: int = 1
    years: tuple[int, ...] = ()  # default: the year of `today` and the two before
    agencies: int = 250
    scale: float = 1.0
    password: str = DEFAULT_PASSWORD
    today: date | None = None  # the data's "now": default the real date, kept inside the years

    def resolved(self) -> Options:
        today = self.today or timezone.localdate()
        years = tuple(sorted(set(self.years))) or (today.year - 2, today.year - 1, today.year)
        # the history ends today, and no later than the last plan year's end
        today = min(max(today, date(years[0], 2, 1)), date(years[-1], 12, 31))
        return Options(seed=self.seed, years=years, agencies=self.agencies, scale=self.scale,
                       password=self.password, today=today)


# --- writing the past: services at a simulated time, bulk rows with their own timestamps ----------------------------

@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Inside, `django.utils.timezone.now` (hence localdate, auto_now fields, the services' timestamps) reads
    `moment`, a millisecond later at each call so rows keep their order: a service run here writes what it would
    have written that day. Used only while building the data set, on this single thread."""
    original = timezone.now
    ticks = count()
    timezone.now = lambda: moment + timedelta(milliseconds=next(ticks))  # type: ignore[assignment]
    try:
        yield
    finally:
        timezone.now = original  # type: ignore[assignment]


@contextmanager
def explicit_times(model: type[models.Model], *names: str) -> Iterator[None]:
    """bulk_create keeping the timestamps given (auto_now_add / auto_now would stamp every row with now)."""
    fields = [model._meta.get_field(n) for n in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, (now, add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = now, add  # type: ignore[attr-defined]


def moment(day: date, rnd: random.Random, first_hour: int = 7, last_hour: int = 17) -> datetime:
    """An aware instant of office hours on `day` (site time zone)."""
    at = datetime.combine(day, time(rnd.randint(first_hour, last_hour), rnd.randint(0, 59), rnd.randint(0, 59)))
    return timezone.make_aware(at)


def day_between(rnd: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rnd.randint(0, (last - first).days))


def symbol(name: str) -> str:
    """The agency's part of its document symbols ("SNV" in "12/BC-SNV")."""
    if name in SYMBOLS:
        return SYMBOLS[name]
    if name.startswith("Ủy ban nhân dân"):
        return "UBND"
    words = [w for w in name.replace(",", " ").split() if w not in {"và", "tỉnh", "các"}]
    return "".join(w[0].upper() for w in words)[:8]


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF whose page prints `text` (accent-free: the standard fonts have no Vietnamese): a real,
    small evidence file."""
    safe = key(text).encode("ascii", "replace").decode().replace("\\", "").replace("(", "").replace(")", "")[:90]
    stream = f"BT /F1 11 Tf 56 780 Td ({safe}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- a task's year, as events ----------------------------------------------------------------------------------------

@dataclass
class Event:
    day: date
    kind: str
    status: str = ""
    progress: int | None = None
    text: str = ""
    by: str = "focal"  # focal | leader | coord | standing
    evidence: bool = False
    occurrence: str = ""  # the recurring period's label a progress entry completes


@dataclass
class ExtensionStep:
    asked: date
    old_due: date | None
    new_due: date
    decision: str
    decided: date | None


@dataclass
class Story:
    """Where a task's year leaves it: the entries in order and the task's resulting fields."""

    events: list[Event] = field(default_factory=list)
    status: str = Status.NOT_STARTED
    progress: int = 0
    completed_on: date | None = None
    due: date | None = None
    reason: str = ""
    extensions: list[ExtensionStep] = field(default_factory=list)
    condition: tuple[date, date] | None = None

    @property
    def version(self) -> int:
        """What the services' optimistic lock counts: each recorded progress, decision, condition and approved
        extension bumps it; contributions and urging entries do not."""
        bumps = {ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.COMPLETION_REQUEST, ProgressUpdate.Kind.APPROVAL,
                 ProgressUpdate.Kind.REFUSAL, ProgressUpdate.Kind.CONDITION}
        return (sum(1 for e in self.events if e.kind in bumps)
                + sum(1 for x in self.extensions if x.decision == Extension.Decision.APPROVED))

    def add(self, event: Event) -> None:
        self.events.append(event)
        if event.kind == ProgressUpdate.Kind.CONTRIBUTION or event.kind == ProgressUpdate.Kind.CONDITION:
            return
        if event.occurrence:
            return  # a recurring period's entry repeats the task's state
        self.status = event.status
        self.progress = event.progress if event.progress is not None else self.progress


class StoryTeller:
    """Draws each task's year from the generator: the shares of outcomes a province sees, dated consistently
    (requests before approvals, extensions before the due date they move, nothing after the horizon)."""

    def __init__(self, rnd: random.Random, today: date) -> None:
        self.rnd = rnd
        self.today = today

    def tell(self, year: int, start: date, kind: str, due: date | None, coordinated: bool,
             recurring_labels: Sequence[tuple[str, date]] = ()) -> Story:
        rnd = self.rnd
        story = Story(due=due)
        first = max(start + timedelta(days=3), date(year, 1, 5))
        horizon = min(self.today, date(year, 12, 31))
        if first >= horizon:
            return story  # the plan's work has not started yet
        if kind == "conditional":
            if rnd.random() < 0.55:
                met = day_between(rnd, first, min(horizon, date(year, 9, 30)))
                due = min(met + timedelta(days=rnd.choice([30, 45, 60, 90])), date(year, 12, 31))
                story.condition, story.due = (met, due), due
                story.add(Event(met, ProgressUpdate.Kind.CONDITION,
                                text=f"Sự kiện ngày {met:%d/%m/%Y}: đã có văn bản hướng dẫn của cơ quan cấp trên."))
                self._dated(story, met + timedelta(days=1), due, horizon)
            elif rnd.random() < 0.5:
                self._work(story, first, horizon, rnd.randint(5, 30), 1)
        elif kind in ("continuous", "recurring"):
            self._ongoing(story, year, first, horizon, recurring_labels)
        else:
            self._dated(story, first, due, horizon)
        if coordinated and story.events:
            last = max(e.day for e in story.events)
            for _ in range(rnd.choice([0, 1, 1, 2, 2, 3])):
                story.events.append(Event(day_between(rnd, first, last), ProgressUpdate.Kind.CONTRIBUTION,
                                          text=rnd.choice(CONTRIBUTIONS), by="coord", evidence=rnd.random() < 0.1))
        story.events.sort(key=lambda e: e.day)
        return story

    # the pieces of a story --------------------------------------------------------------------------------------

    def _work(self, story: Story, first: date, last: date, final: int, steps: int) -> None:
        """`steps` progress entries between the days, rising to `final` percent."""
        rnd = self.rnd
        days = sorted(day_between(rnd, first, last) for _ in range(steps))
        for i, day in enumerate(days, start=1):
            value = max(5, min(95, round(final * i / steps) + rnd.randint(-5, 0)))
            story.add(Event(day, ProgressUpdate.Kind.PROGRESS, Status.IN_PROGRESS, value, rnd.choice(PROGRESS_TEXTS),
                            evidence=rnd.random() < 0.15))

    def _finish(self, story: Story, day: date, horizon: date, *, approve: bool = True) -> None:
        """The work is done on `day`: a completion request and the leader's approval (sometimes a refusal first), or
        the leader records it done directly. completed_on is the day of the (last) request."""
        rnd = self.rnd
        if rnd.random() < 0.22:
            story.add(Event(day, ProgressUpdate.Kind.PROGRESS, Status.DONE, 100,
                            "Đã hoàn thành, có văn bản kết quả.", by="leader", evidence=rnd.random() < 0.85))
            story.completed_on = day
            return
        story.add(Event(day, ProgressUpdate.Kind.COMPLETION_REQUEST, Status.AWAITING_APPROVAL, 100,
                        "Đề nghị xác nhận hoàn thành.", evidence=rnd.random() < 0.85))
        story.completed_on = day
        if not approve:
            return
        decided = min(day + timedelta(days=rnd.randint(0, 6)), horizon)
        if rnd.random() < 0.06 and decided + timedelta(days=4) < horizon:
            story.add(Event(decided, ProgressUpdate.Kind.REFUSAL, Status.IN_PROGRESS, 100,
                            "Tài liệu kiểm chứng chưa đầy đủ, đề nghị bổ sung văn bản kết quả.", by="leader"))
            story.completed_on = None
            again = min(decided + timedelta(days=rnd.randint(2, 10)), horizon)
            story.add(Event(again, ProgressUpdate.Kind.COMPLETION_REQUEST, Status.AWAITING_APPROVAL, 100,
                            "Đã bổ sung tài liệu kiểm chứng, đề nghị xác nhận hoàn thành.", evidence=True))
            story.completed_on = again
            decided = min(again + timedelta(days=rnd.randint(0, 5)), horizon)
        story.add(Event(decided, ProgressUpdate.Kind.APPROVAL, Status.DONE, 100, "Lãnh đạo xác nhận hoàn thành.",
                        by="leader"))

    def _stop(self, story: Story, first: date, last: date, cancel: bool) -> None:
        rnd = self.rnd
        if rnd.random() < 0.6:
            self._work(story, first, last, rnd.randint(10, 40), 1)
        day = day_between(rnd, max([first, *(e.day for e in story.events)]), last)
        reason = rnd.choice(CANCEL_REASONS if cancel else PAUSE_REASONS)
        story.add(Event(day, ProgressUpdate.Kind.PROGRESS, Status.CANCELLED if cancel else Status.PAUSED,
                        story.progress, reason))
        story.reason = reason

    def _dated(self, story: Story, first: date, due: date | None, horizon: date) -> None:
        rnd = self.rnd
        if due is None:
            return
        roll = rnd.random()
        if due <= horizon:  # the due date has come
            if roll < 0.56 or (roll < 0.69 and due >= horizon):
                done = day_between(rnd, max(first, due - timedelta(days=45)), due)
                self._work(story, first, done, rnd.randint(40, 90), rnd.randint(2, 5))
                self._finish(story, done, horizon)
            elif roll < 0.69:
                done = day_between(rnd, due + timedelta(days=1), min(horizon, due + timedelta(days=75)))
                self._work(story, first, due, rnd.randint(30, 80), rnd.randint(2, 5))
                self._finish(story, done, horizon)
            elif roll < 0.76:
                self._extended(story, first, due, horizon, approve=roll < 0.74)
            elif roll < 0.88:
                if rnd.random() < 0.7:
                    self._work(story, first, min(horizon, due + timedelta(days=30)), rnd.randint(20, 80),
                               rnd.randint(2, 4))
            elif roll < 0.90 and horizon - due < timedelta(days=40):
                done = day_between(rnd, max(first, horizon - timedelta(days=20)), horizon)
                self._work(story, first, done, rnd.randint(50, 90), rnd.randint(1, 2))
                self._finish(story, done, horizon, approve=False)
            elif roll < 0.95:
                self._stop(story, first, min(horizon, due), cancel=False)
            else:
                self._stop(story, first, min(horizon, due), cancel=True)
            return
        # the due date is still ahead
        used = (horizon - first).days / max(1, (due - first).days)
        if roll < 0.14:
            done = day_between(rnd, first, horizon)
            self._work(story, first, done, rnd.randint(40, 90), rnd.randint(1, 3))
            self._finish(story, done, horizon)
        elif roll < 0.17:
            done = day_between(rnd, max(first, horizon - timedelta(days=15)), horizon)
            self._work(story, first, done, rnd.randint(50, 90), 1)
            self._finish(story, done, horizon, approve=False)
        elif roll < 0.19 and due - horizon < timedelta(days=45):
            self._extended(story, first, due, horizon, approve=True)
        elif roll < 0.72:
            lag = rnd.choice([0, 0, 0, 10, 20, 45])  # some lag behind the time used: "at risk"
            final = max(5, min(95, round(used * 100) - lag + rnd.randint(-10, 10)))
            self._work(story, first, horizon, final, rnd.randint(2, 4))
        elif roll < 0.95:
            pass  # not started yet
        else:
            self._stop(story, first, horizon, cancel=rnd.random() < 0.3)

    def _extended(self, story: Story, first: date, due: date, horizon: date, *, approve: bool) -> None:
        """An extension asked before the due date; granted or refused; the work goes on from there."""
        rnd = self.rnd
        new_due = min(due + timedelta(days=rnd.randint(30, 75)), date(due.year, 12, 31))
        asked = day_between(rnd, max(first, due - timedelta(days=25)), due - timedelta(days=1))
        if new_due <= due or asked >= horizon:
            self._work(story, first, horizon, rnd.randint(20, 70), 1)
            return
        self._work(story, first, asked, rnd.randint(20, 60), rnd.randint(1, 2))
        decided: date | None = asked + timedelta(days=rnd.randint(1, 6))
        assert decided is not None
        decision = Extension.Decision.APPROVED if approve else Extension.Decision.REFUSED
        if decided > horizon:
            decided, decision = None, Extension.Decision.PENDING
        story.extensions.append(ExtensionStep(asked, due, new_due, decision, decided))
        if decision == Extension.Decision.APPROVED:
            story.due = new_due
        target = story.due or due
        after = max([asked, *(e.day for e in story.events)])
        if decision != Extension.Decision.PENDING and rnd.random() < 0.65 and after < horizon:
            done = day_between(rnd, after + timedelta(days=1), min(horizon, target + timedelta(days=10)))
            self._work(story, after + timedelta(days=1), done, rnd.randint(70, 95), 1)
            self._finish(story, done, horizon)

    def _ongoing(self, story: Story, year: int, first: date, horizon: date,
                 labels: Sequence[tuple[str, date]]) -> None:
        """Ongoing ("thường xuyên") and recurring work: progress through the year, each recurring period marked
        done near its due date, the leader closing most of it at the year's end."""
        rnd = self.rnd
        self._work(story, first, min(horizon, first + timedelta(days=60)), rnd.randint(10, 25), rnd.randint(1, 2))
        for label, due in labels:
            if due > horizon or rnd.random() > 0.85:
                continue
            day = max(day_between(rnd, due - timedelta(days=6), due), story.events[-1].day)
            story.add(Event(day, ProgressUpdate.Kind.PROGRESS, story.status, story.progress,
                            f"Hoàn thành kỳ {label}", occurrence=label, evidence=rnd.random() < 0.3))
        if horizon >= date(year, 12, 10) and rnd.random() < 0.6:
            done = day_between(rnd, date(year, 12, 1), min(horizon, date(year, 12, 20)))
            if done >= story.events[-1].day:
                self._work(story, story.events[-1].day, done, rnd.randint(70, 95), 1)
                self._finish(story, done, horizon)
                return
        if horizon > first + timedelta(days=90):
            self._work(story, first + timedelta(days=61), horizon, min(95, rnd.randint(30, 60) + horizon.month * 3),
                       rnd.randint(2, 4))


# --- the builder -----------------------------------------------------------------------------------------------------

@dataclass
class TaskSpec:
    plan: Plan
    year: int
    area: str
    lead: Agency
    coordinating: list[Agency]
    kind: str  # dated | continuous | recurring | conditional
    due: date | None
    deadline_text: str
    content: str
    output: str
    parent: TaskSpec | None = None
    task: Task | None = None
    story: Story | None = None


class Province:
    """Builds the data set step by step; `counts` says what each step made."""

    def __init__(self, options: Options, say: Say) -> None:
        self.o = options.resolved()
        assert self.o.today is not None
        self.today: date = self.o.today
        self.years: tuple[int, ...] = self.o.years
        self.say = say
        self.rnd = random.Random(self.o.seed)
        self.counts: dict[str, int] = {}
        self.audit: list[AuditEvent] = []
        self.kind_of: dict[int, str] = {}
        self.focal: dict[int, User] = {}
        self.leader: dict[int, User] = {}
        self.plans: dict[int, Plan] = {}  # the province's plan of each year
        self.children: dict[int, list[Plan]] = {}
        self.specs: list[TaskSpec] = []
        self.agency_metrics: list[tuple[Target, str]] = []

    # -- helpers --------------------------------------------------------------------------------------------------

    def note(self, actor: User | None, action: str, obj: models.Model, at: datetime, summary: str = "",
             changes: dict[str, Any] | None = None) -> None:
        """An audit event as audit.services.record writes it, stamped `at`, inserted with the step's bulk rows."""
        self.audit.append(AuditEvent(at=at, actor=actor, action=action, object_type=obj._meta.label_lower,
                                     object_id=str(obj.pk), summary=summary[:500], changes=changes or {}))

    def flush_audit(self) -> None:
        with explicit_times(AuditEvent, "at"):
            AuditEvent.objects.bulk_create(self.audit, batch_size=5000)
        self.counts["audit_events"] = self.counts.get("audit_events", 0) + len(self.audit)
        self.audit = []

    def n(self, base: int) -> int:
        """`base` at this scale, ±20%, at least one."""
        size = base * self.o.scale
        return max(1, round(self.rnd.uniform(size * 0.8, size * 1.2)))

    def person(self) -> str:
        return f"{self.rnd.choice(FAMILY)} {self.rnd.choice(MIDDLE)} {self.rnd.choice(GIVEN)}"

    # -- 1. agencies ----------------------------------------------------------------------------------------------

    def build_agencies(self) -> None:
        ensure_levels()
        levels = {lv.code: lv for lv in Level.objects.all()}
        total = max(8, self.o.agencies)
        n_dep = min(len(DEPARTMENTS), max(4, round((total - 1) * 28 / 250)))
        n_dis = min(len(DISTRICTS), max(1, round((total - 1) * 11 / 250)))
        n_com = max(1, total - 1 - n_dep - n_dis)
        pairs = [f"{a} {b}" for b in COMMUNE_SECOND for a in COMMUNE_FIRST if a != b]
        if n_com > len(pairs):
            raise ScaleError(f"Tối đa {1 + n_dep + n_dis + len(pairs)} cơ quan.")
        self.rnd.shuffle(pairs)

        def make(name: str, level: str | None, parent: Agency | None, **extra: Any) -> Agency:
            return Agency(name=name, level=levels[level] if level else None, parent=parent,
                          search_key=key(f"{name} {extra.get('short_name', '')}"), **extra)

        self.province = Agency.objects.bulk_create([make(f"Ủy ban nhân dân tỉnh {PROVINCE_NAME}", "province",
                                                         None)])[0]
        self.departments = Agency.objects.bulk_create([make(n, "department", self.province,
                                                            short_name=SYMBOLS.get(n, ""))
                                                       for n in DEPARTMENTS[:n_dep]])
        self.districts = Agency.objects.bulk_create([
            make(f"Ủy ban nhân dân {'thành phố' if n.startswith('Thành phố') else 'huyện'} "
                 f"{n.removeprefix('Thành phố ')}", "district", self.province) for n in DISTRICTS[:n_dis]])
        communes = []
        for i, n in enumerate(pairs[:n_com]):
            district = self.districts[i % n_dis]
            ward = district.name.startswith("Ủy ban nhân dân thành phố") and i % 3 == 0
            communes.append(make(f"Ủy ban nhân dân {'phường' if ward else 'xã'} {n}", "commune", district))
        self.communes = Agency.objects.bulk_create(communes)
        self.reporters = [*self.departments, *self.districts, *self.communes]
        self.agencies = [self.province, *self.reporters]
        for a in self.departments:
            self.kind_of[a.pk] = "department"
        for a in self.districts:
            self.kind_of[a.pk] = "district"
        for a in self.communes:
            self.kind_of[a.pk] = "commune"
        self.kind_of[self.province.pk] = "province"
        self.by_name = {a.name: a for a in self.agencies}
        self.standing_agency = self.by_name["Sở Nội vụ"]
        self.children_of: dict[int, list[Agency]] = defaultdict(list)
        for a in self.communes:
            self.children_of[a.parent_id or 0].append(a)
        groups = Agency.objects.bulk_create([
            Agency(name=name, is_group=True, member_level=levels[level], member_parent=self.province,
                   search_key=key(f"{name} ")) for name, level in (
                ("Các sở, ban, ngành", "department"), ("UBND cấp huyện", "district"), ("UBND cấp xã", "commune"))])
        self.groups = {g.member_level_id: g for g in groups}
        aliases = [AgencyAlias(agency=a, text=a.name, key=alias_key(a.name)) for a in [*self.agencies, *groups]]
        aliases += [AgencyAlias(agency=a, text=a.short_name, key=alias_key(a.short_name))
                    for a in self.departments if a.short_name]
        AgencyAlias.objects.bulk_create(aliases)
        self.counts |= {"agencies": len(self.agencies), "departments": len(self.departments),
                        "districts": len(self.districts), "communes": len(self.communes), "agency_groups": len(groups)}

    # -- 2. users -------------------------------------------------------------------------------------------------

    def build_users(self) -> None:
        # One hash for every account: hashing a few hundred passwords with the production hasher would take
        # minutes, and every account has the same (printed) password anyway.
        password = make_password(self.o.password)
        joined = moment(date(self.years[0] - 1, 12, 1), self.rnd)

        def user(username: str, role: str, agency: Agency | None, name: str) -> User:
            return User(username=username, role=role, agency=agency, first_name=name, password=password,
                        is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN, date_joined=joined)

        rows = [user("quantri", Role.ADMIN, self.standing_agency, "Quản trị hệ thống"),
                user("nguoixem", Role.VIEWER, self.by_name["Văn phòng Ủy ban nhân dân tỉnh"], "Người xem")]
        rows += [user("thuongtruc" if i == 0 else f"thuongtruc{i + 1}", Role.STANDING, self.standing_agency,
                      self.person()) for i in range(3)]
        people = []
        for i, agency in enumerate(self.agencies):
            people.append((agency, user(f"daumoi{i:03d}", Role.FOCAL, agency, self.person())))
            people.append((agency, user(f"lanhdao{i:03d}", Role.LEADER, agency, self.person())))
        created = User.objects.bulk_create([*rows, *(u for _, u in people)])
        self.admin, self.viewer, *self.standing = created[:5]
        for agency, u in people:
            (self.focal if u.role == Role.FOCAL else self.leader)[agency.pk] = u
        self.counts["users"] = len(created)

    # -- 3. plans, periods, sections, targets ---------------------------------------------------------------------

    def build_plans(self) -> None:
        from dondoc.indicators.metrics import guess_level as guess_target_level
        from dondoc.indicators.metrics import guess_metric
        from dondoc.reports.services import ensure_periods

        rnd = self.rnd
        standing = self.standing[0]
        targets: list[tuple[Target, list[Agency]]] = []
        for year in self.years:
            issued = date(year - 1, 12, rnd.randint(18, 30))
            plan = Plan(kind="Kế hoạch", number=f"{rnd.randint(150, 420)}/KH-UBND", owner=self.province,
                        title=f"Kế hoạch cải cách hành chính nhà nước năm {year} của tỉnh {PROVINCE_NAME}",
                        issuer_name=self.province.name, year=year, issued_date=issued, place=PROVINCE_NAME,
                        signer=self.person(), created_by=self.admin)
            with clock(moment(issued, rnd)):
                plan.save()
                self.note(self.admin, "plan.create", plan, timezone.now(), str(plan), {"tasks": 0, "source": ""})
                ensure_periods(plan, standing)
            self.plans[year] = plan
            children = []
            for agency in self.reporters:
                number = f"{rnd.randint(5, 90)}/KH-{symbol(agency.name)}"
                title = f"Kế hoạch cải cách hành chính năm {year} của {agency.name}"
                children.append(Plan(kind="Kế hoạch", number=number, title=title, issuer_name=agency.name,
                                     owner=agency, year=year, parent=plan, place=PROVINCE_NAME,
                                     issued_date=date(year, 1, rnd.randint(3, 20)), signer=self.person(),
                                     created_by=self.focal[agency.pk],
                                     search_key=key(f"{number} {title} {agency.name}")))
            with explicit_times(Plan, "created_at", "updated_at"):
                for child in children:
                    child.created_at = child.updated_at = moment(child.issued_date, rnd)
                children = Plan.objects.bulk_create(children)
            for child in children:
                self.note(self.focal[child.owner_id], "plan.cascade", child, child.created_at,
                          f"{child} ← {plan}", {"parent": plan.pk})
                with clock(child.created_at + timedelta(hours=1)):
                    ensure_periods(child, standing)
            self.children[year] = children
            targets += self._targets(plan, children, guess_metric, guess_target_level)
        made = Target.objects.bulk_create([t for t, _ in targets])
        through = Target.agencies.through
        through.objects.bulk_create([through(target_id=t.pk, agency_id=a.pk)
                                     for t, (_, agencies) in zip(made, targets, strict=True) for a in agencies])
        self.sections: dict[tuple[int, str], Section] = {}
        rows = [Section(plan=p, number=ROMAN[j], title=AREA_NAMES[area].upper(), area=area, order=j)
                for p in [*self.plans.values(), *(c for cs in self.children.values() for c in cs)]
                for j, area in enumerate(AREAS)]
        for s in Section.objects.bulk_create(rows, batch_size=5000):
            self.sections[(s.plan_id, s.area)] = s
        self.counts |= {"plans": len(self.plans) + sum(len(c) for c in self.children.values()),
                        "report_periods": ReportPeriod.objects.count(), "targets": len(made)}

    def _targets(self, plan: Plan, children: list[Plan], guess_metric: Callable[[str], str | None],
                 guess_level: Callable[[str, float | None], str]) -> list[tuple[Target, list[Agency]]]:
        """The province plan's quantified targets (bound to indicators the way an import binds them) and a few per
        department and district plan, assigned to its agency; communes' plans carry a hand-measured one."""

        def target(p: Plan, order: int, text: str, value: float, unit: str = "%", comparator: str = ">=",
                   metric: bool = True) -> Target:
            return Target(plan=p, text=text, value=Decimal(str(value)), unit=unit, comparator=comparator,
                          order=order, metric=(guess_metric(text) or "") if metric else "",
                          level=guess_level(text, value), search_key=key(text)[:900])

        # (one digitisation target for every level: split by level, each level's target costs the dossier import
        # another set of computations per period)
        digitised = "Tỷ lệ số hóa kết quả giải quyết thủ tục hành chính đạt tối thiểu 30%"
        out = [(target(plan, 0, "Tỷ lệ hồ sơ giải quyết thủ tục hành chính đúng hạn đạt tối thiểu 98%", 98), []),
               (target(plan, 1, "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận trực tuyến đạt tối thiểu 50%", 50), []),
               (target(plan, 2, "Mức độ hài lòng của người dân, doanh nghiệp đạt trên 90%", 90), []),
               (target(plan, 3, digitised, 30), []),
               (target(plan, 4, "Chỉ số cải cách hành chính của tỉnh thuộc nhóm 20 tỉnh dẫn đầu", 20, "thứ hạng", "<=",
                        metric=False), [])]
        for child in children:
            owner = self.by_name[child.issuer_name]
            kind = self.kind_of[owner.pk]
            if kind == "commune":
                out.append((target(child, 0, "100% cán bộ, công chức cấp xã được bồi dưỡng kiến thức, kỹ năng "
                                             "chuyên môn", 100, metric=False), [owner]))
                continue
            own = (("Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%", 98),
                   ("Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ đạt tối thiểu 50%", 50))
            for order, (text, value) in enumerate(own):
                made = target(child, order, text, value)
                # bound after the dossier import (see build_dossiers), so the import refreshes only the province's
                self.agency_metrics.append((made, made.metric))
                made.metric = ""
                out.append((made, [owner]))
        return out

    # -- 4. tasks and their years ---------------------------------------------------------------------------------

    def _deadline(self, year: int) -> tuple[str, date | None, str]:
        """(kind, due, the deadline cell as a plan prints it)."""
        rnd = self.rnd
        roll = rnd.random()
        if roll < 0.10:
            return "continuous", None, "Thường xuyên"
        if roll < 0.15:
            return "recurring", None, "Hằng quý"
        if roll < 0.17:
            return "conditional", None, "Khi có hướng dẫn của Bộ, ngành Trung ương"
        if roll < 0.55:
            month = rnd.randint(2, 12)
            end = (date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
            return "dated", end, f"Tháng {month:02d}/{year}"
        if roll < 0.75:
            q = rnd.randint(1, 4)
            end = (date(year, 3 * q + 1, 1) if q < 4 else date(year + 1, 1, 1)) - timedelta(days=1)
            return "dated", end, f"Quý {ROMAN[q - 1]}/{year}"
        if roll < 0.92:
            day = date(year, rnd.randint(2, 12), rnd.choice([10, 15, 20, 25]))
            return "dated", day - timedelta(days=1), f"Trước ngày {day.day}/{day.month}/{year}"
        return "dated", date(year, 12, 31), f"Năm {year}"

    def _spec(self, plan: Plan, year: int, lead: Agency, area: str | None = None, who: str = "") -> TaskSpec:
        rnd = self.rnd
        area = area or rnd.choices(AREAS, weights=AREA_WEIGHTS)[0]
        content, output = rnd.choice(TEMPLATES[area])
        kind, due, text = self._deadline(year)
        coordinating: list[Agency] = []
        if rnd.random() < 0.3:
            pool = {"province": self.departments, "department": self.departments,
                    "district": [*self.departments, *self.children_of.get(lead.pk, [])],
                    "commune": [lead.parent]}[self.kind_of[lead.pk]]
            choices = [a for a in pool if a is not None and a.pk != lead.pk]
            if choices:
                coordinating = rnd.sample(choices, min(len(choices), rnd.randint(1, 2)))
        return TaskSpec(plan=plan, year=year, area=area, lead=lead, coordinating=coordinating, kind=kind, due=due,
                        deadline_text=text, content=content.format(a=who or lead.name, y=year), output=output)

    def build_tasks(self) -> None:
        from dondoc.tracking.rules import periods as rhythm_periods

        rnd = self.rnd
        teller = StoryTeller(rnd, self.today)
        by_plan: dict[int, list[TaskSpec]] = defaultdict(list)
        for year in self.years:
            plan = self.plans[year]
            for _ in range(self.n(TASKS_PER_PLAN["province"])):
                area = rnd.choices(AREAS, weights=AREA_WEIGHTS)[0]
                lead = self.by_name.get(AREA_LEAD[area]) if rnd.random() < 0.6 else None
                spec = self._spec(plan, year, lead or rnd.choice(self.departments), area,
                                  who="các sở, ban, ngành, địa phương")
                by_plan[plan.pk].append(spec)
            province_specs = list(by_plan[plan.pk])
            for child in self.children[year]:
                owner = self.by_name[child.issuer_name]
                if self.kind_of[owner.pk] == "department":  # the province's tasks it leads come first
                    for source in province_specs:
                        if source.lead.pk == owner.pk:
                            by_plan[child.pk].append(TaskSpec(
                                plan=child, year=year, area=source.area, lead=owner,
                                coordinating=list(source.coordinating), kind=source.kind, due=source.due,
                                deadline_text=source.deadline_text, content=source.content, output=source.output,
                                parent=source))
                for _ in range(self.n(TASKS_PER_PLAN[self.kind_of[owner.pk]])):
                    by_plan[child.pk].append(self._spec(child, year, owner))
        # each task's year, then the rows
        tasks: list[Task] = []
        specs: list[TaskSpec] = []
        plans = [*self.plans.values(), *(c for cs in self.children.values() for c in cs)]
        for plan in plans:
            rows = by_plan[plan.pk]
            rows.sort(key=lambda s: AREAS.index(s.area))  # the plan's order: section by section
            numbers: dict[str, int] = defaultdict(int)
            for order, spec in enumerate(rows, start=1):
                numbers[spec.area] += 1
                labels = ([(p.label, p.due) for p in rhythm_periods("quarterly", spec.year)]
                          if spec.kind == "recurring" else [])
                start = plan.issued_date or date(spec.year, 1, 1)
                spec.story = teller.tell(spec.year, start, spec.kind, spec.due, bool(spec.coordinating), labels)
                story = spec.story
                number = str(numbers[spec.area])
                lead_text = spec.lead.name
                coordinating_text = ", ".join(a.name for a in spec.coordinating)
                spec.task = Task(
                    plan=plan, section=self.sections[(plan.pk, spec.area)], number=number, order=order,
                    content=spec.content, output=spec.output, lead_text=lead_text, coordinating_text=coordinating_text,
                    deadline_text=spec.deadline_text, continuous=spec.kind == "continuous",
                    conditional=spec.kind == "conditional", status=story.status, progress=story.progress,
                    due_date=story.due, completed_on=story.completed_on if story.status in (
                        Status.DONE, Status.AWAITING_APPROVAL) else None,
                    status_reason=story.reason if story.status in (Status.PAUSED, Status.CANCELLED) else "",
                    version=story.version, search_key=key(f"{number} {spec.content} {spec.output} {lead_text}"))
                tasks.append(spec.task)
                specs.append(spec)
        # the province's tasks first: their copies in the departments' plans point at them
        first = [s for s in specs if s.parent is None and s.plan.parent_id is None]
        rest = [s for s in specs if not (s.parent is None and s.plan.parent_id is None)]
        Task.objects.bulk_create([s.task for s in first if s.task is not None], batch_size=2000)
        for s in rest:
            if s.parent is not None and s.task is not None and s.parent.task is not None:
                s.task.parent_task = s.parent.task
        Task.objects.bulk_create([s.task for s in rest if s.task is not None], batch_size=2000)
        self.specs = specs
        links = []
        for s in specs:
            assert s.task is not None
            links.append(TaskAgency(task=s.task, agency=s.lead, role=TaskAgency.Role.LEAD, text=s.lead.name))
            links += [TaskAgency(task=s.task, agency=a, role=TaskAgency.Role.COORDINATING, text=a.name, order=i)
                      for i, a in enumerate(s.coordinating)]
        TaskAgency.objects.bulk_create(links, batch_size=5000)
        self.counts |= {"tasks": len(specs), "task_agencies": len(links)}
        self._milestones_and_history()

    def _milestones_and_history(self) -> None:
        from dondoc.tracking.rules import periods as rhythm_periods

        rnd = self.rnd
        milestones: list[Milestone] = []
        templates: list[tuple[TaskSpec, Milestone]] = []
        for s in self.specs:
            story, task = s.story, s.task
            assert story is not None and task is not None
            if s.kind == "dated" and story.due:
                milestones.append(Milestone(task=task, kind=Milestone.Kind.DUE, due_date=story.due))
            elif s.kind == "continuous":
                milestones.append(Milestone(task=task, kind=Milestone.Kind.CONTINUOUS))
            elif s.kind == "conditional":
                met, due = story.condition or (None, None)
                milestones.append(Milestone(task=task, kind=Milestone.Kind.CONDITIONAL, condition=s.deadline_text,
                                            condition_met_on=met, due_date=due))
            elif s.kind == "recurring":
                template = Milestone(task=task, kind=Milestone.Kind.RECURRING, rhythm=Milestone.Rhythm.QUARTERLY)
                milestones.append(template)
                templates.append((s, template))
        Milestone.objects.bulk_create(milestones, batch_size=5000)
        occurrences: dict[tuple[int, str], Milestone] = {}
        rows = []
        for s, template in templates:
            assert s.story is not None and s.task is not None
            done = {e.occurrence: e.day for e in s.story.events if e.occurrence}
            for p in rhythm_periods("quarterly", s.year):
                m = Milestone(task=s.task, kind=Milestone.Kind.OCCURRENCE, template=template, label=p.label,
                              rhythm=template.rhythm, due_date=p.due, period_start=p.start, period_end=p.end,
                              status=Status.DONE if p.label in done else Status.NOT_STARTED,
                              completed_on=done.get(p.label))
                rows.append(m)
                occurrences[(s.task.pk, p.label)] = m
        Milestone.objects.bulk_create(rows, batch_size=5000)
        self.counts["milestones"] = len(milestones) + len(rows)

        updates: list[ProgressUpdate] = []
        evidence_of: list[tuple[ProgressUpdate, Agency]] = []
        conditions = {m.task_id: m for m in milestones if m.kind == Milestone.Kind.CONDITIONAL}
        for s in self.specs:
            story, task = s.story, s.task
            assert story is not None and task is not None
            last: datetime | None = None
            for e in story.events:
                agency = s.lead
                author = self.focal[agency.pk]
                if e.by == "leader":
                    author = self.leader[agency.pk]
                elif e.by == "coord":
                    agency = rnd.choice(s.coordinating)
                    author = self.focal[agency.pk]
                at = moment(e.day, rnd, 7, 15)
                if last is not None and at <= last:  # entries of one day keep their order, within the day
                    at = last + timedelta(minutes=rnd.randint(1, 20))
                    if at.astimezone(timezone.get_current_timezone()).date() != e.day:
                        at = last + timedelta(seconds=1)
                last = at
                milestone = None
                if e.occurrence:
                    milestone = occurrences.get((task.pk, e.occurrence))
                elif e.kind == ProgressUpdate.Kind.CONDITION:
                    milestone = conditions.get(task.pk)
                u = ProgressUpdate(task=task, milestone=milestone, kind=e.kind, author=author, agency=agency,
                                   text=e.text, progress=e.progress, status=e.status, created_at=at,
                                   reported_on=e.day)
                updates.append(u)
                if e.evidence:
                    evidence_of.append((u, agency))
        with explicit_times(ProgressUpdate, "created_at"):
            ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
        self.counts["progress_updates"] = len(updates)
        for u in updates:
            if u.kind == ProgressUpdate.Kind.CONTRIBUTION:
                self.note(u.author, "task.contribution", u.task, u.created_at, u.text[:200])
            elif u.kind in (ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.COMPLETION_REQUEST):
                if u.milestone_id and u.kind == ProgressUpdate.Kind.PROGRESS and u.text.startswith("Hoàn thành kỳ"):
                    self.note(u.author, "task.occurrence_done", u.task, u.created_at,
                              u.text.removeprefix("Hoàn thành kỳ "))
                else:
                    label = Status(u.status).label
                    self.note(u.author, "task.progress", u.task, u.created_at, f"{label} {u.progress}%",
                              {"status": u.status, "progress": u.progress})
            elif u.kind in (ProgressUpdate.Kind.APPROVAL, ProgressUpdate.Kind.REFUSAL):
                action = "task.approve" if u.kind == ProgressUpdate.Kind.APPROVAL else "task.refuse"
                self.note(u.author, action, u.task, u.created_at, u.text[:200])
            elif u.kind == ProgressUpdate.Kind.CONDITION and u.milestone is not None:
                self.note(u.author, "task.condition", u.task, u.created_at,
                          f"{u.milestone.condition_met_on} → hạn {u.milestone.due_date}")
        self._evidence(evidence_of)
        self._extensions()

    def _evidence(self, rows: list[tuple[ProgressUpdate, Agency]]) -> None:
        rnd = self.rnd
        kinds = list(Evidence.DocumentKind.values)
        numbers: dict[tuple[int, int, str], int] = defaultdict(int)
        items, files = [], 0
        for u, agency in rows:
            kind = rnd.choices(kinds, weights=[25, 20, 35, 15, 5])[0]
            issued = u.reported_on - timedelta(days=rnd.randint(0, 3))
            numbers[(agency.pk, issued.year, kind)] += rnd.randint(1, 9)
            abbr = DOC_ABBR[kind]
            sign = symbol(agency.name)
            number = (f"{numbers[(agency.pk, issued.year, kind)]}/{abbr}-{sign}" if abbr
                      else f"{numbers[(agency.pk, issued.year, kind)]}/{sign}-VP")
            e = Evidence(update=u, kind=kind, number=number, issued_on=issued, issuer=agency.name)
            if rnd.random() < 0.02 or not items:  # a scanned copy attached: a real (small) file through the storage
                content = tiny_pdf(f"{Evidence.DocumentKind(kind).label} so {number} ngay {issued:%d/%m/%Y}")
                name = f"{key(Evidence.DocumentKind(kind).label).replace(' ', '-')}-{files + 1}.pdf"
                e.file.name = default_storage.save(f"evidence/{u.reported_on:%Y/%m}/{name}", ContentFile(content))
                e.original_name, e.size = name, len(content)
                e.sha256 = hashlib.sha256(content).hexdigest()
                files += 1
            items.append(e)
        Evidence.objects.bulk_create(items, batch_size=5000)
        self.counts |= {"evidence": len(items), "evidence_files": files}

    def _extensions(self) -> None:
        rnd = self.rnd
        rows = []
        for s in self.specs:
            assert s.story is not None and s.task is not None
            for x in s.story.extensions:
                asked = moment(x.asked, rnd)
                decided = moment(x.decided, rnd) if x.decided else None
                if decided is not None and decided <= asked:
                    decided = asked + timedelta(hours=rnd.randint(1, 8))
                approved = x.decision == Extension.Decision.APPROVED
                note = ("Đồng ý gia hạn." if approved else
                        "Không đồng ý: nhiệm vụ cần hoàn thành đúng hạn theo chỉ đạo của UBND tỉnh."
                        if x.decision == Extension.Decision.REFUSED else "")
                decider = self.standing[rnd.randrange(len(self.standing))] if decided else None
                rows.append(Extension(task=s.task, requested_by=self.focal[s.lead.pk], agency=s.lead,
                                      old_due=x.old_due, new_due=x.new_due, created_at=asked, decision=x.decision,
                                      reason=rnd.choice(["Chờ ý kiến của bộ, ngành Trung ương nên cần thêm thời gian.",
                                                         "Khối lượng công việc lớn, cần thêm thời gian hoàn thiện.",
                                                         "Chờ bố trí kinh phí thực hiện."]),
                                      decided_by=decider, decided_at=decided, decision_note=note))
                self.note(self.focal[s.lead.pk], "extension.request", s.task, asked, f"{x.old_due} → {x.new_due}",
                          {"reason": rows[-1].reason})
                if decided is not None:
                    self.note(decider, "extension.approve" if approved else "extension.refuse", s.task, decided,
                              f"{x.old_due} → {x.new_due}", {"note": note})
        with explicit_times(Extension, "created_at"):
            Extension.objects.bulk_create(rows, batch_size=5000)
        self.counts["extensions"] = len(rows)
        self.flush_audit()

    # -- 5. one-stop-shop dossiers, staffing, targets' actuals ------------------------------------------------------

    def build_dossiers(self) -> None:
        import tempfile
        from pathlib import Path

        from django.core.files import File

        from dondoc.indicators import services as indicators
        from dondoc.indicators.dossiers import schema
        from dondoc.indicators.dossiers.generate import AgencySpec, generate, write_export
        from dondoc.indicators.models import CounterStaffing, DossierImport, DossierSource, TargetActual

        rnd = self.rnd
        rows = max(1000, round(ROWS_PER_SCALE * self.o.scale))
        start = date(self.years[0] - 1, 12, 15)  # the first report window's start
        end = self.today - timedelta(days=1)
        specs = [AgencySpec(a.name, indicators.export_level(a) or "province") for a in self.reporters]
        staffing = [CounterStaffing(agency=a, year=y, officers=rnd.randint(1, 2 if self.kind_of[a.pk] == "commune"
                                                                                else 6))
                    for a in self.reporters for y in self.years if date(y, 1, 1) <= self.today]
        CounterStaffing.objects.bulk_create(staffing)
        frame = generate(rows, specs, start=start, end=end, seed=self.o.seed, code_prefix="HS")
        with clock(moment(self.today, rnd, 7, 8)):
            source = DossierSource.objects.create(name="Hệ thống thông tin giải quyết TTHC tỉnh")
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"ho-so-tthc-{start:%Y%m%d}-{end:%Y%m%d}.csv"
                write_export(frame, path)
                imp = DossierImport(source=source, original_name=path.name, size=path.stat().st_size,
                                    uploaded_by=self.standing[0], headers=list(schema.DEFAULT_HEADERS),
                                    state=DossierImport.State.QUEUED)
                with path.open("rb") as fh:
                    imp.file.save(path.name, File(fh), save=False)
            imp.save()
            mapping = {f.name: f.label for f in schema.FIELDS}
            done = indicators.run_import(imp.pk, mapping)
        if done.state != DossierImport.State.DONE:
            raise ScaleError(f"Nhập dữ liệu hồ sơ không thành công: {done.message}")
        self._agency_actuals()
        # the hand-measured targets: the agencies' own figures, entered after each closed period
        manual = []
        for target in Target.objects.filter(metric="").prefetch_related("agencies", "plan__report_periods"):
            for period in target.plan.report_periods.all():
                if period.data_to and period.data_to < self.today and rnd.random() < 0.85:
                    owner = next(iter(target.agencies.all()), None)
                    value = rnd.randint(12, 30) if target.unit == "thứ hạng" else rnd.choice([90, 95, 100, 100])
                    entered = self.focal[owner.pk] if owner else self.standing[0]
                    manual.append(TargetActual(target=target, period=period, value=Decimal(value),
                                               source=TargetActual.Source.MANUAL, entered_by=entered))
        TargetActual.objects.bulk_create(manual, batch_size=5000)
        self.counts |= {"dossiers": done.total, "counter_staffing": len(staffing),
                        "target_actuals": TargetActual.objects.count()}

    def _agency_actuals(self) -> None:
        """The departments' and districts' own targets, bound to their indicator, with the actuals
        indicators.services.refresh_actuals writes for a target assigned to one agency (its figure, for the scope
        and for the agency, per report period). refresh_actuals computes each (period, agency) apart, about 50 ms
        each, minutes for a province; here one computation per year gives every agency's figures at once.
        tests/web/test_scale.py checks the rows are the ones refresh_actuals writes."""
        from dondoc.indicators import services as indicators
        from dondoc.indicators.dossiers import compute
        from dondoc.indicators.models import TargetActual

        if not self.agency_metrics:
            return
        for target, metric in self.agency_metrics:
            target.metric = metric
        Target.objects.bulk_update([t for t, _ in self.agency_metrics], ["metric"], batch_size=2000)
        plans = {t.plan_id for t, _ in self.agency_metrics}
        periods: dict[int, list[ReportPeriod]] = defaultdict(list)
        for p in ReportPeriod.objects.filter(plan_id__in=plans).order_by("pk"):
            periods[p.plan_id].append(p)
        windows: dict[int, list[compute.Window]] = defaultdict(list)
        for plan_periods in periods.values():
            for p in plan_periods:
                window = indicators.window_of(p)
                if window is not None and window not in windows[window.end.year]:
                    windows[window.end.year].append(window)
        store = indicators.dossier_store()
        figures: dict[tuple[compute.Window, int], dict[str, Any]] = {}
        for year, year_windows in windows.items():
            rows = compute.compute(store, year_windows, by="agency", officers=indicators.officers_for(year))
            by_name = {w.name: w for w in year_windows}
            for row in rows:
                figures[(by_name[row["window"]], row["agency_id"])] = row
        owners = dict(Target.agencies.through.objects.filter(target__in=[t for t, _ in self.agency_metrics])
                      .values_list("target_id", "agency_id"))
        actuals = []
        for target, metric in self.agency_metrics:
            for period in periods[target.plan_id]:
                window = indicators.window_of(period)
                row = figures.get((window, owners[target.pk])) if window else None
                value = row.get(metric) if row else None
                if row is None or value is None:
                    continue
                for agency_id in (None, owners[target.pk]):
                    actuals.append(TargetActual(target=target, period=period, agency_id=agency_id,
                                                value=Decimal(str(round(float(value), 4))),
                                                basis=compute.basis(metric, row), source=TargetActual.Source.COMPUTED))
        TargetActual.objects.bulk_create(actuals, batch_size=5000)

    # -- 6. periodic reports ---------------------------------------------------------------------------------------

    def build_reports(self) -> None:
        from dondoc.reports import selectors as report_selectors
        from dondoc.reports import services as reports
        from dondoc.reports.compose import compose
        from dondoc.reports.models import Report
        from dondoc.reports.narrative import agency_draft, province_draft

        rnd = self.rnd
        standing = self.standing[0]
        periods = sorted((p for plan in self.plans.values() for p in plan.report_periods.all()
                          if p.data_from and p.data_to and p.data_from <= self.today),
                         key=lambda p: (p.data_to, p.pk))
        if not periods:
            return
        current = periods[-1] if periods[-1].data_to >= self.today else None  # type: ignore[operator]
        closed = [p for p in periods if p is not current]
        numbers: dict[tuple[int, int], int] = defaultdict(int)
        made = {"reports_submitted": 0, "reports_late": 0, "reports_draft": 0, "reports_corrected": 0}

        def number(agency: Agency, year: int) -> str:
            numbers[(agency.pk, year)] += rnd.randint(1, 6)
            return f"{numbers[(agency.pk, year)]}/BC-{symbol(agency.name)}"

        for index, period in enumerate(closed):
            assert period.data_to is not None and period.submit_by is not None
            cut = period.data_to + timedelta(days=1)  # compose as at the cut-off: each task's state from history
            through_services = index == len(closed) - 1
            rows: list[Report] = []
            for agency in self.reporters:
                roll = rnd.random()
                if roll < 0.04:
                    continue  # never reported
                sent_day = period.submit_by + timedelta(days=rnd.randint(-6, 0) if roll < 0.86 else rnd.randint(1, 12))
                sent_day = min(sent_day, self.today)
                if through_services and sent_day > period.data_to and rnd.random() < 0.5:
                    self._report_through_services(period, agency, sent_day)
                    made["reports_submitted"] += 1
                    made["reports_late"] += sent_day > period.submit_by
                    continue
                data = compose(period, agency.pk, today=cut)
                opened = moment(sent_day - timedelta(days=rnd.randint(2, 8)), rnd)
                data.composed_at = opened.isoformat(timespec="seconds")
                texts = agency_draft(data)
                report = Report(period=period, agency=agency, scope=Report.Scope.AGENCY, number=number(
                    agency, period.data_to.year), created_by=self.focal[agency.pk], created_at=opened, **texts)
                if roll < 0.97:
                    submitted = moment(sent_day, rnd)
                    report.state, report.snapshot = Report.State.SUBMITTED, data.to_json()
                    report.approved_by, report.submitted_at = self.leader[agency.pk], submitted
                    report.updated_at, report.edit_version = submitted, rnd.choice([0, 1, 1, 2])
                    made["reports_submitted"] += 1
                    made["reports_late"] += sent_day > period.submit_by
                else:
                    report.state = Report.State.AWAITING_APPROVAL if roll < 0.985 else Report.State.DRAFT
                    report.updated_at = opened
                    made["reports_draft"] += 1
                rows.append(report)
            with explicit_times(Report, "created_at", "updated_at"):
                rows = Report.objects.bulk_create(rows)
            corrections = []
            for report in rows:
                self.note(report.created_by, "report.create", report, report.created_at, str(report),
                          {"version": 1, "scope": report.scope})
                if report.submitted_at:
                    self.note(report.approved_by, "report.submit", report, report.submitted_at, str(report),
                              {"version": 1, "totals": report.snapshot["totals"] if report.snapshot else {}})
                    if rnd.random() < 0.02:  # a correction, sent a few days later
                        again = report.submitted_at + timedelta(days=rnd.randint(2, 9))
                        corrections.append(Report(
                            period=period, agency=report.agency, scope=report.scope, version=2, previous=report,
                            number=report.number, created_by=report.created_by, created_at=again - timedelta(hours=3),
                            updated_at=again, state=Report.State.SUBMITTED, snapshot=report.snapshot,
                            approved_by=report.approved_by, submitted_at=again,
                            **{n: getattr(report, n) for n in _narrative_fields()}))
            with explicit_times(Report, "created_at", "updated_at"):
                Report.objects.bulk_create(corrections)
            made["reports_corrected"] += len(corrections)
            for c in corrections:
                self.note(c.created_by, "report.correct", c, c.created_at, str(c), {"previous": c.previous_id,
                                                                                      "version": 2})
            # the province's aggregate of the period, composed from the agencies' reports
            latest = report_selectors.latest_per_agency(period)
            data = compose(period, None, today=cut, reports=latest.values())
            sent = moment(min(self.today, period.submit_by + timedelta(days=rnd.randint(3, 10))), rnd)
            data.composed_at = sent.isoformat(timespec="seconds")
            texts = province_draft(data, report_selectors.latest_submitted_per_agency(period).values())
            aggregate = Report(period=period, agency=self.province, scope=Report.Scope.PROVINCE,
                               number=number(self.province, period.data_to.year), created_by=standing,
                               created_at=sent - timedelta(days=2), updated_at=sent, state=Report.State.SUBMITTED,
                               snapshot=data.to_json(), approved_by=standing, submitted_at=sent, **texts)
            with explicit_times(Report, "created_at", "updated_at"):
                aggregate.save()
            self.note(standing, "report.submit", aggregate, sent, str(aggregate), {"version": 1,
                                                                                  "totals": data.totals})
        if current is not None:
            self._current_period(current, reports)
        self.flush_audit()
        self.counts |= made | {"reports": Report.objects.count()}

    def _report_through_services(self, period: ReportPeriod, agency: Agency, sent_day: date) -> None:
        """An agency's report the way officers make it: opened, sent to the leader, approved and submitted."""
        from dondoc.reports import services as reports

        rnd = self.rnd
        focal, leader = self.focal[agency.pk], self.leader[agency.pk]
        # opened after the cut-off, so its figures come from the tasks' history, as on that day
        opened = moment(max(sent_day - timedelta(days=rnd.randint(1, 3)), period.data_to + timedelta(days=1)), rnd,
                        7, 9)
        with clock(opened):
            report = reports.open_report(period, actor=focal)
            report = reports.save_narrative(report, {"proposals": "Đề nghị UBND tỉnh tiếp tục bố trí kinh phí cho "
                                                                  "công tác số hóa hồ sơ, kết quả giải quyết TTHC."},
                                            actor=focal, edit_version=report.edit_version,
                                            number=f"{rnd.randint(50, 200)}/BC-{symbol(agency.name)}")
        with clock(opened + timedelta(hours=2)):
            report = reports.send_for_approval(report, actor=focal)
        with clock(moment(sent_day, rnd, 14, 17)):
            reports.approve_and_submit(report, actor=leader)

    def _current_period(self, period: ReportPeriod, reports: Any) -> None:
        """The period under way: a third of the agencies have opened their draft (a few sent it to their leader,
        one or two already submitted), and the standing agency its aggregate draft."""
        rnd = self.rnd
        for agency in self.reporters:
            roll = rnd.random()
            if roll > 0.33:
                continue
            day = self.today - timedelta(days=rnd.randint(0, 10))
            with clock(moment(day, rnd)):
                report = reports.open_report(period, actor=self.focal[agency.pk])
            if roll < 0.08:
                with clock(moment(day, rnd, 15, 16)):
                    report = reports.send_for_approval(report, actor=self.focal[agency.pk])
                if roll < 0.02:
                    with clock(moment(day, rnd, 16, 17)):
                        reports.approve_and_submit(report, actor=self.leader[agency.pk])
        with clock(moment(self.today, rnd, 7, 9)):
            from dondoc.reports.models import Report

            reports.open_report(period, actor=self.standing[0], scope=Report.Scope.PROVINCE)

    # -- 7. PAR-Index scores ---------------------------------------------------------------------------------------

    def build_scoring(self) -> None:
        from dondoc.scoring import frameworks, rules
        from dondoc.scoring import services as scoring
        from dondoc.scoring.models import Assessment, Framework, Score

        rnd = self.rnd
        standing = self.standing[0]
        made = {"frameworks": 0, "assessments_published": 0, "assessments_submitted": 0, "assessments_draft": 0}
        scores_total = 0
        for path in frameworks.shipped():
            spec = frameworks.load(path)
            agencies = [a for a in self.agencies if a.level_id and self.kind_of[a.pk] == spec.level]
            if not agencies:
                continue
            previous: Framework | None = None
            for year in self.years:
                with clock(moment(date(year, 1, 10), rnd)):
                    framework = (scoring.install_framework(spec, year=year, actor=standing) if previous is None
                                 else scoring.copy_framework(previous, year=year, actor=standing))
                previous = framework
                made["frameworks"] += 1
                past = date(year + 1, 4, 10) <= self.today
                chosen = agencies if past else [a for i, a in enumerate(agencies) if i % 3 == 0]
                if not chosen:
                    continue
                when = date(year + 1, 1, 15) if past else self.today - timedelta(days=20)
                assessments = []
                for agency in chosen:
                    with clock(moment(when, rnd)):
                        assessments.append(scoring.start_assessment(framework, agency, actor=self.focal[agency.pk],
                                                                    today=min(date(year, 12, 31), self.today)))
                leaves = {c.pk: c for c in framework.criteria.exclude(rule="")}
                evidence_pool = self._evidence_pool(year)
                updated: list[Score] = []
                picks = []
                for assessment in assessments:
                    strength = rnd.uniform(0.6, 0.95)
                    submit = past or rnd.random() < 0.5
                    for score in assessment.scores.all():
                        c = leaves[score.criterion_id]
                        if c.self_assessed and score.self_points is None:
                            if c.may_be_na and rnd.random() < 0.05:
                                score.not_applicable = True
                                score.na_reason = "Cơ quan không có nhiệm vụ thuộc tiêu chí."
                            else:
                                score.self_points = _points(c.max_points, rnd, strength)
                                score.self_note = "Theo báo cáo cải cách hành chính năm của cơ quan."
                                own = evidence_pool.get(assessment.agency_id, [])
                                if own and rnd.random() < 0.3:
                                    picks += [(score, e) for e in rnd.sample(own, min(len(own), rnd.randint(1, 2)))]
                        if past and not score.not_applicable:
                            if score.self_points is None:  # survey and council leaves
                                score.appraised_points = _points(c.max_points, rnd, strength)
                            elif rnd.random() < 0.15 and score.self_points > 0:
                                score.appraised_points = rules.quantize(score.self_points / 2)
                                score.appraisal_comment = ("Tài liệu kiểm chứng chưa đầy đủ, chỉ chấm một nửa số "
                                                           "điểm tự chấm.")
                        updated.append(score)
                    assessment.submit = submit  # type: ignore[attr-defined]
                _update_scores(updated)
                through = Score.evidence.through
                through.objects.bulk_create([through(score_id=s.pk, evidence_id=e) for s, e in picks],
                                            ignore_conflicts=True)
                scores_total += len(updated)
                for assessment in assessments:
                    scoring.recompute_totals(assessment)
                    if not assessment.submit:  # type: ignore[attr-defined]
                        made["assessments_draft"] += 1
                        continue
                    leader = self.leader[assessment.agency_id]
                    sent = moment(date(year + 1, 2, rnd.randint(1, 25)) if past
                                  else self.today - timedelta(days=rnd.randint(0, 12)), rnd)
                    assessment.status, assessment.submitted_by, assessment.submitted_at = (
                        Assessment.Status.SUBMITTED, leader, sent)
                    assessment.version = 1
                    self.note(leader, "scoring.submitted", assessment, sent, str(assessment),
                              {"self_total": str(assessment.self_total)})
                    if past:
                        final = moment(date(year + 1, 3, rnd.randint(1, 28)), rnd)
                        assessment.status, assessment.finalised_by, assessment.finalised_at = (
                            Assessment.Status.FINALISED, standing, final)
                        assessment.version = 2
                        self.note(standing, "scoring.finalised", assessment, final, str(assessment),
                                  {"final_total": str(assessment.final_total), "index": str(assessment.index)})
                    assessment.save(update_fields=["status", "submitted_by", "submitted_at", "finalised_by",
                                                   "finalised_at", "version"])
                    made["assessments_submitted" if not past else "assessments_published"] += 1
                if past:
                    with clock(moment(date(year + 1, 4, 10), rnd)):
                        scoring.publish(framework, actor=standing,
                                        decision=f"Quyết định số {rnd.randint(300, 900)}/QĐ-UBND công bố Chỉ số cải "
                                                 f"cách hành chính năm {year}")
        self.flush_audit()
        self.counts |= made | {"scores": scores_total}

    def _evidence_pool(self, year: int) -> dict[int, list[int]]:
        """Each lead agency's evidence documents of the year's tasks (what the self-assessment may cite)."""
        pool: dict[int, list[int]] = defaultdict(list)
        rows = (Evidence.objects.filter(update__task__plan__year=year, update__task__task_agencies__role="lead")
                .values_list("update__task__task_agencies__agency_id", "pk").order_by("pk"))
        for agency_id, pk in rows:
            pool[agency_id].append(pk)
        return pool

    # -- 8. follow-up: urging letters and the daily reminders -------------------------------------------------------

    def build_follow_up(self) -> None:
        from dondoc.tracking import letters
        from dondoc.tracking.models import Notification, UrgingLetter
        from dondoc.tracking.reminders import send_reminders

        year = self.today.year
        if year not in self.years:
            return
        overdue: dict[int, set[int]] = defaultdict(set)  # this year's overdue tasks of each lead agency
        for s in self.specs:
            assert s.task is not None
            if s.year == year and s.task.due_date and s.task.due_date < self.today - timedelta(days=14) and \
                    s.task.status not in (Status.DONE, Status.CANCELLED):
                overdue[s.lead.pk].add(s.task.pk)
        worst = sorted(overdue, key=lambda pk: (-len(overdue[pk]), pk))[:max(1, round(8 * min(1.0, self.o.scale * 4)))]
        standing = self.standing[0]
        for i, pk in enumerate(worst):
            agency = next(a for a in self.agencies if a.pk == pk)
            day = self.today - timedelta(days=7 + i)
            data = letters.default_input(standing.agency, day)
            data.number = str(100 + i)
            with clock(moment(day, self.rnd)):
                letters.issue_letter(agency, actor=standing, data=data, today=day, task_ids=overdue[pk])
        with clock(moment(self.today, self.rnd, 7, 7)):
            run = send_reminders(self.today)
        self.counts |= {"urging_letters": UrgingLetter.objects.count(),
                        "notifications": Notification.objects.count(),
                        "reminders_sent": sum(run.sent.values())}

    # -- all of it -------------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("Cơ quan, đơn vị", self.build_agencies),
            ("Tài khoản", self.build_users),
            ("Kế hoạch, kỳ báo cáo, chỉ tiêu", self.build_plans),
            ("Nhiệm vụ và quá trình thực hiện", self.build_tasks),
            ("Dữ liệu hồ sơ một cửa", self.build_dossiers),
            ("Báo cáo định kỳ", self.build_reports),
            ("Chấm điểm Chỉ số CCHC", self.build_scoring),
            ("Đôn đốc, nhắc việc", self.build_follow_up),
        ]
        for number, (label, step) in enumerate(steps, start=1):
            started = clock_time.perf_counter()
            before = dict(self.counts)
            with transaction.atomic():
                step()
            if step == self.build_tasks:  # the bulk of the rows is in: the next steps' queries need fresh statistics
                refresh_planner_statistics()
            took = clock_time.perf_counter() - started
            new = {k: v for k, v in self.counts.items() if before.get(k) != v and k in LABELS}
            detail = ", ".join(f"{_number(v)} {LABELS[k]}" for k, v in new.items())
            self.say(f"[{number}/{len(steps)}] {label}: {detail} ({_seconds(took)})")
        return self.counts


LABELS = {  # what each count is, for the command's progress lines
    "agencies": "cơ quan", "agency_groups": "nhóm cơ quan", "users": "tài khoản", "plans": "kế hoạch",
    "report_periods": "kỳ báo cáo", "targets": "chỉ tiêu", "tasks": "nhiệm vụ", "task_agencies": "liên kết cơ quan",
    "milestones": "mốc thời gian", "progress_updates": "lần cập nhật tiến độ", "evidence": "tài liệu kiểm chứng",
    "evidence_files": "tệp đính kèm", "extensions": "đề nghị gia hạn", "dossiers": "hồ sơ một cửa",
    "target_actuals": "số liệu chỉ tiêu", "reports_submitted": "báo cáo đã gửi", "reports_late": "gửi muộn",
    "reports_draft": "báo cáo chưa gửi", "reports_corrected": "bản sửa đổi", "frameworks": "bộ chỉ số",
    "assessments_published": "bản chấm điểm đã công bố", "assessments_submitted": "bản chờ thẩm định",
    "assessments_draft": "bản đang tự chấm", "scores": "điểm tiêu chí", "urging_letters": "văn bản đôn đốc",
    "notifications": "thông báo",
}


def _narrative_fields() -> tuple[str, ...]:
    from dondoc.reports.models import NARRATIVE_FIELDS

    return NARRATIVE_FIELDS


def _update_scores(scores: Sequence[Any]) -> None:
    """Save the scores' points and notes: one UPDATE per distinct set of values (a few dozen), where bulk_update
    builds a CASE per row and field."""
    from dondoc.scoring.models import Score

    fields = ("not_applicable", "na_reason", "self_points", "self_note", "appraised_points", "appraisal_comment")
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for score in scores:
        groups[tuple(getattr(score, f) for f in fields)].append(score.pk)
    now = timezone.now()
    for values, pks in groups.items():
        for i in range(0, len(pks), 500):
            Score.objects.filter(pk__in=pks[i:i + 500]).update(updated_at=now, **dict(zip(fields, values,
                                                                                          strict=True)))


def _points(max_points: Decimal, rnd: random.Random, strength: float) -> Decimal:
    """Points a council would write: a quarter step of the leaf's maximum around the agency's strength."""
    from dondoc.scoring import rules

    share = min(1.0, max(0.0, rnd.gauss(strength, 0.15)))
    return rules.quantize(max_points * Decimal(str(round(share * 4) / 4)))


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


def build(options: Options, say: Say = lambda _: None) -> dict[str, int]:
    """Fill an empty database with the province; returns what was made. Raises ScaleError (Vietnamese message)
    when the database already holds plans or the options make no sense."""
    if Plan.objects.exists():
        raise ScaleError("Cơ sở dữ liệu đã có kế hoạch: dữ liệu quy mô tỉnh chỉ được tạo trong một cơ sở dữ liệu "
                         "trống (hãy tạo cơ sở dữ liệu mới rồi chạy `dondoc migrate` trước).")
    if options.agencies < 8:
        raise ScaleError("Cần ít nhất 8 cơ quan (--agencies 8).")
    if not 0 < options.scale <= 20:
        raise ScaleError("Hệ số quy mô (--scale) phải lớn hơn 0 và không quá 20.")
    if options.years and (len(set(options.years)) > 6 or min(options.years) < 2000 or max(options.years) > 2100):
        raise ScaleError("Năm kế hoạch phải trong khoảng 2000–2100, tối đa 6 năm.")
    counts = Province(options, say).run()
    refresh_planner_statistics()  # a bulk load: the query planner's statistics are stale
    return counts
