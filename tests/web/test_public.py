"""The citizens' transparency page (/cong-khai/): off by default, open to anyone when on, counts worked out by hand,
published rankings only, and nothing internal (signer, people, notes, reasons, progress texts, evidence, files)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts.models import User
from dondoc.agencies.models import Agency
from dondoc.indicators.models import TargetActual
from dondoc.plans.models import Plan, ReportPeriod, Section, Status, Target, Task, TaskAgency
from dondoc.public import selectors
from dondoc.scoring.models import Assessment, Framework
from dondoc.tracking import services as tracking_services
from dondoc.tracking.models import Evidence, ProgressUpdate

ROLES = ("admin", "standing", "focal", "leader", "viewer", "other_focal")

SIGNER = "Nguyễn Văn Ký Tên"
AUTHOR_FIRST, AUTHOR_LAST = "Trần Thị", "Bí Mật"
UPDATE_TEXT = "ghi chú nội bộ XYZ"
EVIDENCE_NAME = "bien-ban-mat.pdf"
TASK_NOTE = "ghi chú nhiệm vụ ABC"
STATUS_REASON = "lý do nội bộ DEF"
SOURCE_NAME = "ke-hoach-goc-noi-bo.pdf"
ACTUAL_NOTE = "số liệu nội bộ GHI"
COUNCIL_NOTE = "ý kiến hội đồng KLM"
UNPUBLISHED_FRAMEWORK = "Bộ chỉ số cấp huyện chưa công bố"

FORBIDDEN = (SIGNER, f"{AUTHOR_FIRST} {AUTHOR_LAST}", AUTHOR_LAST, UPDATE_TEXT, EVIDENCE_NAME, TASK_NOTE,
             STATUS_REASON, SOURCE_NAME, ACTUAL_NOTE, COUNCIL_NOTE, UNPUBLISHED_FRAMEWORK)


@dataclass
class World:
    plan: Plan
    old_plan: Plan
    tasks: dict[str, Task]
    published: Framework
    unpublished: Framework
    users: dict[str, User]


def _task(plan: Plan, section: Section | None, order: int, content: str, *, status: str = Status.NOT_STARTED,
          due: date | None = None, completed_on: date | None = None, leads: tuple[Agency, ...] = (),
          coordinating: tuple[Agency, ...] = (), **fields: Any) -> Task:
    task = Task.objects.create(plan=plan, section=section, order=order, number=str(order), content=content,
                               deadline_text=f"Hạn {due:%d/%m/%Y}" if due else "Thường xuyên", status=status,
                               due_date=due, completed_on=completed_on,
                               progress=100 if status == Status.DONE else 0, **fields)
    for i, agency in enumerate(leads):
        TaskAgency.objects.create(task=task, agency=agency, role=TaskAgency.Role.LEAD, order=i)
    for i, agency in enumerate(coordinating):
        TaskAgency.objects.create(task=task, agency=agency, role=TaskAgency.Role.COORDINATING, order=i)
    return task


def build_world(agencies: dict[str, Agency], users: dict[str, User]) -> World:
    """The 2025 plan of the tests (eight tasks in three areas, see test_counts_by_area for what each one is), a
    2024 plan, targets with and without actuals, a published and an unpublished PAR-Index framework; with
    internal data that must never reach the public page."""
    today = timezone.localdate()
    past, future = today - timedelta(days=30), today + timedelta(days=30)
    home, justice, finance = agencies["home"], agencies["justice"], agencies["finance"]
    for name, user in users.items():
        user.email = f"{user.username}@co-quan.example"
        if name == "focal":
            user.first_name, user.last_name = AUTHOR_FIRST, AUTHOR_LAST
        user.save()

    plan = Plan.objects.create(kind="Kế hoạch", number="15/KH-UBND", title="Kế hoạch cải cách hành chính năm 2025",
                               owner=agencies["province"], issuer_name=agencies["province"].name,
                               issued_date=date(2025, 1, 10), signer=SIGNER, year=2025, source_name=SOURCE_NAME)
    plan.source_file.save(SOURCE_NAME, ContentFile(b"%PDF-1.4 goc"), save=True)
    the_che = Section.objects.create(plan=plan, number="I", title="CẢI CÁCH THỂ CHẾ", area="the_che", order=1)
    tthc = Section.objects.create(plan=plan, number="II", title="CẢI CÁCH THỦ TỤC HÀNH CHÍNH", area="tthc", order=2)
    other = Section.objects.create(plan=plan, number="III", title="NHIỆM VỤ KHÁC", area="", order=3)
    tasks = {
        "on_time": _task(plan, the_che, 1, "Rà soát văn bản quy phạm pháp luật", status=Status.DONE, due=past,
                         completed_on=past - timedelta(days=5), leads=(justice,)),
        "late": _task(plan, the_che, 2, "Xây dựng quy chế phối hợp", status=Status.DONE, due=past,
                      completed_on=past + timedelta(days=10), leads=(justice,)),
        "overdue": _task(plan, the_che, 3, "Kiểm tra việc thi hành pháp luật", status=Status.IN_PROGRESS, due=past,
                         leads=(home,), note=TASK_NOTE),
        "upcoming": _task(plan, tthc, 4, "Công bố thủ tục hành chính", due=future, leads=(home,),
                          coordinating=(justice,), funding="Ngân sách tỉnh"),
        "paused": _task(plan, tthc, 5, "Đơn giản hóa thủ tục hành chính", status=Status.PAUSED, due=past,
                        leads=(finance,), status_reason=STATUS_REASON),
        "cancelled": _task(plan, tthc, 6, "Thí điểm một cửa liên thông", status=Status.CANCELLED, due=past,
                           leads=(finance,), status_reason=STATUS_REASON),
        "no_lead": _task(plan, other, 7, "Tuyên truyền cải cách hành chính", status=Status.DONE,
                         completed_on=today, lead_text="Các cơ quan, đơn vị"),
        "two_leads": _task(plan, other, 8, "Khảo sát mức độ hài lòng", leads=(justice, home)),
    }
    # the focal officer of Sở Tư pháp (a lead) reports progress with an evidence file
    pdf = SimpleUploadedFile(EVIDENCE_NAME, b"%PDF-1.4 bien ban", content_type="application/pdf")
    tracking_services.record_progress(tasks["two_leads"], actor=users["focal"], text=UPDATE_TEXT, progress=40,
                                      status=Status.IN_PROGRESS,
                                      evidence=[tracking_services.EvidenceInput(number="12/BB", file=pdf)])
    tasks["two_leads"].refresh_from_db()

    period = ReportPeriod.objects.create(plan=plan, name="Quý I/2025", data_from=date(2025, 1, 1),
                                         data_to=date(2025, 3, 14), submit_by=date(2025, 3, 14))
    met = Target.objects.create(plan=plan, order=1, text="Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%",
                                value=Decimal(98), unit="%", comparator=Target.Comparator.AT_LEAST)
    not_met = Target.objects.create(plan=plan, order=2, text="Thời gian chờ tại bộ phận một cửa tối đa 30 phút",
                                    value=Decimal(30), unit="phút", comparator=Target.Comparator.AT_MOST)
    Target.objects.create(plan=plan, order=3, text="Công khai 100% thủ tục hành chính", value=Decimal(100), unit="%")
    TargetActual.objects.create(target=met, period=period, value=Decimal("99.5"), source="manual",
                                note=ACTUAL_NOTE, entered_by=users["focal"])
    TargetActual.objects.create(target=not_met, period=period, value=Decimal(45), source="manual",
                                note=ACTUAL_NOTE, entered_by=users["focal"])

    old_plan = Plan.objects.create(number="9/KH-UBND", title="Kế hoạch cải cách hành chính năm 2024",
                                   owner=agencies["province"], issued_date=date(2024, 1, 5), signer=SIGNER, year=2024)
    _task(old_plan, None, 1, "Nhiệm vụ của năm trước", status=Status.IN_PROGRESS, due=past, leads=(justice,))

    published = Framework.objects.create(code="par-so", name="Bộ Chỉ số CCHC các sở, ban, ngành", year=2024,
                                         level="department", source="Quyết định số 1/QĐ-UBND về Bộ Chỉ số",
                                         published_at=timezone.now(), published_by=users["standing"],
                                         decision="Quyết định số 99/QĐ-UBND", notes=COUNCIL_NOTE)
    for agency, index, status in ((justice, "88.50", Assessment.Status.PUBLISHED),
                                  (home, "91.25", Assessment.Status.PUBLISHED),
                                  # finalised after publication: not part of the published result
                                  (finance, "95.55", Assessment.Status.FINALISED)):
        Assessment.objects.create(framework=published, agency=agency, status=status, index=Decimal(index),
                                  final_total=Decimal(index), max_total=Decimal(100), council_note=COUNCIL_NOTE,
                                  finalised_by=users["standing"])
    unpublished = Framework.objects.create(code="par-huyen", name=UNPUBLISHED_FRAMEWORK, year=2024, level="district")
    Assessment.objects.create(framework=unpublished, agency=agencies["district"], status=Assessment.Status.FINALISED,
                              index=Decimal("77.77"), final_total=Decimal("77.77"), max_total=Decimal(100))
    return World(plan, old_plan, tasks, published, unpublished, users)


@pytest.fixture
def world(agencies: dict[str, Agency], users: dict[str, User]) -> World:
    return build_world(agencies, users)


@pytest.fixture
def public_on(settings: Any) -> None:
    settings.DONDOC_PUBLIC_PAGE = True


def public_urls(world: World) -> list[str]:
    return [reverse("public_home"), reverse("public_home") + "?nam=2024", reverse("public_plan", args=[world.plan.pk]),
            reverse("public_plan", args=[world.old_plan.pk]), reverse("public_rankings"),
            reverse("public_rankings") + "?nam=2024"]


# --- the setting --------------------------------------------------------------------------------------------------

def test_setting_is_off_by_default() -> None:
    from django.conf import settings

    assert settings.DONDOC_PUBLIC_PAGE is False


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_off_means_404_for_everyone(role: str, world: World, settings: Any) -> None:
    settings.DONDOC_PUBLIC_PAGE = False
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    for url in public_urls(world):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_on_means_open_to_everyone(role: str, world: World, public_on: None) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, response.cookies)
        assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_unknown_plan_and_writes(world: World, public_on: None, client: Client) -> None:
    assert client.get(reverse("public_plan", args=[world.plan.pk + 1000])).status_code == 404
    assert client.post(reverse("public_home")).status_code == 405


@pytest.mark.django_db
def test_turning_it_off_takes_effect_at_once(world: World, settings: Any, client: Client) -> None:
    settings.DONDOC_PUBLIC_PAGE = True
    assert client.get(reverse("public_home")).status_code == 200
    settings.DONDOC_PUBLIC_PAGE = False
    assert client.get(reverse("public_home")).status_code == 404


# --- what is shown ------------------------------------------------------------------------------------------------

def _row(counts: list[selectors.Counts], key_: str) -> tuple[int, ...]:
    c = next(c for c in counts if c.key == key_)
    return (c.total, c.done_on_time, c.done_late, c.in_progress, c.overdue, c.cancelled)


def _html_row(html: str, table_id: str, key_: str) -> dict[str, str]:
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    row = table[table.index(f'data-key="{key_}"'):]
    row = row[:row.index("</tr>")]
    return dict(re.findall(r'data-col="(\w+)">([^<]*)<', row))


@pytest.mark.django_db
def test_counts_by_area(world: World, public_on: None, client: Client) -> None:
    # (total, done on time, done late, in progress, overdue, cancelled), worked out from build_world:
    # thể chế: on_time ✓ on time, late ✓ late, overdue (open, past due) → 1 / 1 / 0 / 1
    # TTHC: upcoming (due in 30 days) in progress, paused past due → overdue, cancelled → 0 / 0 / 1 / 1 / 1
    # khác (no area): no_lead done without a due date → on time, two_leads open without a due date → in progress
    response = client.get(reverse("public_home"), {"nam": 2025})
    progress = response.context["progress"]
    assert [c.key for c in progress.by_area] == ["the_che", "tthc", "khac"]
    assert _row(progress.by_area, "the_che") == (3, 1, 1, 0, 1, 0)
    assert _row(progress.by_area, "tthc") == (3, 0, 0, 1, 1, 1)
    assert _row(progress.by_area, "khac") == (2, 1, 0, 1, 0, 0)
    overall = progress.overall
    assert (overall.total, overall.done, overall.overdue, overall.cancelled) == (8, 3, 2, 1)
    assert overall.share_done == pytest.approx(42.9)  # 3 done of 7 to carry out
    html = response.content.decode()
    assert _html_row(html, "bang-linh-vuc", "the_che") == {
        "total": "3", "done_on_time": "1", "done_late": "1", "in_progress": "0", "overdue": "1", "cancelled": "0",
        "share_done": "66,7%"}
    assert _html_row(html, "bang-linh-vuc", "tthc")["share_done"] == "0%"  # 0 of 2 (cancelled left out)
    assert "Cải cách thể chế" in html and "Cải cách thủ tục hành chính" in html


@pytest.mark.django_db
def test_counts_by_lead_agency(world: World, agencies: dict[str, Agency], public_on: None, client: Client) -> None:
    # Sở Tư pháp leads on_time, late, two_leads (coordinating "upcoming" does not count); Sở Nội vụ overdue,
    # upcoming, two_leads; Sở Tài chính paused (overdue) and cancelled; no_lead has none.
    response = client.get(reverse("public_home"), {"nam": 2025})
    by_agency = response.context["progress"].by_agency
    home, justice, finance = (str(agencies[k].pk) for k in ("home", "justice", "finance"))
    assert [c.key for c in by_agency] == [home, justice, finance, ""]  # most tasks first, then by name
    assert _row(by_agency, justice) == (3, 1, 1, 1, 0, 0)
    assert _row(by_agency, home) == (3, 0, 0, 2, 1, 0)
    assert _row(by_agency, finance) == (2, 0, 0, 0, 1, 1)
    assert _row(by_agency, "") == (1, 1, 0, 0, 0, 0)
    assert by_agency[-1].name == selectors.NO_LEAD
    html = response.content.decode()
    assert _html_row(html, "bang-co-quan", justice)["share_done"] == "66,7%"
    assert _html_row(html, "bang-co-quan", "")["share_done"] == "100%"
    # the 2024 plan's task counts in 2024 only
    other_year = client.get(reverse("public_home"), {"nam": 2024}).context["progress"]
    assert [(c.key, c.total, c.overdue) for c in other_year.by_agency] == [(justice, 1, 1)]


@pytest.mark.django_db
def test_plans_of_the_year(world: World, public_on: None, client: Client) -> None:
    html = client.get(reverse("public_home"), {"nam": 2025}).content.decode()
    assert "15/KH-UBND" in html and "Kế hoạch cải cách hành chính năm 2025" in html
    assert "Ủy ban nhân dân tỉnh Hòa Bình Xanh" in html and "10/01/2025" in html
    assert reverse("public_plan", args=[world.plan.pk]) in html
    assert "9/KH-UBND" not in html
    html_2024 = client.get(reverse("public_home"), {"nam": 2024}).content.decode()
    assert "9/KH-UBND" in html_2024 and "15/KH-UBND" not in html_2024


@pytest.mark.django_db
def test_targets_with_and_without_actuals(world: World, public_on: None, client: Client) -> None:
    for url in (reverse("public_home") + "?nam=2025", reverse("public_plan", args=[world.plan.pk])):
        html = client.get(url).content.decode()
        rows = {text: row for text, row in (
            (t, html[html.index(t):html.index("</tr>", html.index(t))])
            for t in ("đạt tối thiểu 98%", "tối đa 30 phút", "Công khai 100% thủ tục"))}
        assert "99,50 %" in rows["đạt tối thiểu 98%"] and ">Đạt<" in rows["đạt tối thiểu 98%"]
        assert "45 phút" in rows["tối đa 30 phút"] and ">Chưa đạt<" in rows["tối đa 30 phút"]
        assert ">Chưa có số liệu<" in rows["Công khai 100% thủ tục"]
        assert "Quý I/2025" in html


@pytest.mark.django_db
def test_plan_page_tasks(world: World, agencies: dict[str, Agency], public_on: None, client: Client) -> None:
    response = client.get(reverse("public_plan", args=[world.plan.pk]))
    html = response.content.decode()
    labels = {t.content: t.status_label for s in response.context["sections"] for t in s.tasks}
    assert labels == {
        "Rà soát văn bản quy phạm pháp luật": "Hoàn thành đúng hạn",
        "Xây dựng quy chế phối hợp": "Hoàn thành quá hạn",
        "Kiểm tra việc thi hành pháp luật": "Quá hạn",
        "Công bố thủ tục hành chính": "Chưa triển khai",
        "Đơn giản hóa thủ tục hành chính": "Quá hạn",
        "Thí điểm một cửa liên thông": "Không thực hiện",
        "Tuyên truyền cải cách hành chính": "Hoàn thành đúng hạn",
        "Khảo sát mức độ hài lòng": "Đang thực hiện",
    }
    assert [str(s.section) for s in response.context["sections"]] == [
        "I. CẢI CÁCH THỂ CHẾ", "II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "III. NHIỆM VỤ KHÁC"]
    upcoming = html[html.index("Công bố thủ tục hành chính"):]
    upcoming = upcoming[:upcoming.index("</tr>")]
    assert "Sở Nội vụ" in upcoming and "Sở Tư pháp" in upcoming and "Ngân sách tỉnh" in upcoming
    assert "40%" in html  # two_leads' progress
    assert "Các cơ quan, đơn vị" in html  # the lead as the document wrote it, when no agency was resolved
    assert _row(response.context["progress"].by_area, "the_che") == (3, 1, 1, 0, 1, 0)
    assert response.context["progress"].overall.total == 8


@pytest.mark.django_db
def test_published_ranking_only(world: World, public_on: None, client: Client) -> None:
    for url in (reverse("public_home"), reverse("public_rankings"), reverse("public_rankings") + "?nam=2024"):
        html = client.get(url).content.decode()
        assert "Bộ Chỉ số CCHC các sở, ban, ngành" in html
        assert "91,25%" in html and "88,50%" in html
        assert html.index("Sở Nội vụ", html.index("data-framework")) < html.index(
            "Sở Tư pháp", html.index("data-framework"))  # ranked 1st, then 2nd
        assert "Sở Tài chính" not in html[html.index("data-framework"):]  # finalised only
        assert "95,55" not in html and "77,77" not in html
        assert UNPUBLISHED_FRAMEWORK not in html
    rankings_html = client.get(reverse("public_rankings")).content.decode()
    assert "Quyết định số 99/QĐ-UBND" in rankings_html and "Quyết định số 1/QĐ-UBND về Bộ Chỉ số" in rankings_html
    assert "Sở, ban, ngành cấp tỉnh" in rankings_html  # the level's name
    assert "Bộ Chỉ số CCHC" not in client.get(reverse("public_rankings"), {"nam": 2023}).content.decode()


@pytest.mark.django_db
def test_framework_published_later_appears(world: World, public_on: None, client: Client) -> None:
    assert "77,77" not in client.get(reverse("public_rankings")).content.decode()
    Framework.objects.filter(pk=world.unpublished.pk).update(published_at=timezone.now())
    Assessment.objects.filter(framework=world.unpublished).update(status=Assessment.Status.PUBLISHED)
    assert "77,77%" in client.get(reverse("public_rankings")).content.decode()


# --- what is never shown ------------------------------------------------------------------------------------------

def assert_no_leak(html: str, world: World, where: str) -> None:
    from django.conf import settings

    assert ProgressUpdate.objects.filter(text=UPDATE_TEXT).exists()  # the internal data is really there
    assert Evidence.objects.filter(original_name=EVIDENCE_NAME).exists()
    for text in FORBIDDEN:
        assert text not in html, f"{where}: “{text}”"
    for link in ("/media/", f"/{settings.MEDIA_URL.strip('/')}/", "csrfmiddlewaretoken", "Đăng xuất"):
        assert link not in html, f"{where}: {link}"
    for user in world.users.values():
        assert not re.search(rf"\b{re.escape(user.username)}\b", html), f"{where}: {user.username}"
        assert user.email not in html, f"{where}: {user.email}"
    assert "/ke-hoach/" not in html.replace("/cong-khai/ke-hoach/", ""), f"{where}: a link into the staff pages"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "admin", "focal"])
def test_nothing_internal_leaks(role: str, world: World, public_on: None) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
        assert_no_leak(response.content.decode(), world, f"{url} ({role})")


# --- queries ------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_query_count_does_not_grow_with_tasks(world: World, agencies: dict[str, Agency], public_on: None,
                                              client: Client) -> None:
    urls = [reverse("public_home") + "?nam=2025", reverse("public_plan", args=[world.plan.pk])]

    def queries() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    before = queries()
    section = world.plan.sections.first()
    for i in range(20):
        _task(world.plan, section, 100 + i, f"Nhiệm vụ thêm {i}", due=timezone.localdate(),
              leads=(agencies["district"],), coordinating=(agencies["finance"],))
    assert queries() == before


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["abc", "99999999999999999999", "-1", ""])
def test_odd_year_parameters(query: str, world: World, public_on: None, client: Client) -> None:
    response = client.get(reverse("public_home"), {"nam": query})
    assert response.status_code == 200
    this_year = timezone.localdate().year
    assert response.context["year"] == (this_year if this_year in (2024, 2025) else 2025)
    assert client.get(reverse("public_rankings"), {"nam": query}).status_code == 200
    assert client.get("/cong-khai/ke-hoach/99999999999999999999999/").status_code == 404
