"""A real browser through the PAR-Index scoring (headless Chromium, Playwright).

What the issue asks to see: an agency self-scores two leaves with the evidence dondoc suggests, its leader submits,
the council adjusts one leaf with a comment, finalises and publishes; the ranking and the province dashboard show
the result; the public page, when enabled, shows no file, note or person's name.
Needs the `playwright` package and Chromium; skipped with the reason otherwise (a failure in CI).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency, Level
from dondoc.plans.models import Plan, Section, Status, Task, TaskAgency
from dondoc.scoring import services
from dondoc.scoring.frameworks import parse
from dondoc.scoring.models import Assessment
from dondoc.tracking.models import Evidence, ProgressUpdate

from .browser import Page, expect, log_in

YEAR = 2025
SECRET_NOTE = "Ghi chú nội bộ: đã rà soát 120 văn bản"
COUNCIL_COMMENT = "Thiếu báo cáo quý IV"
PEOPLE = ("Nguyễn Thị Đầu Mối", "Trần Văn Lãnh Đạo", "Lê Thị Thường Trực")
FILE_NAME = "bien-ban-ra-soat-noi-bo.pdf"


def framework_json() -> dict[str, Any]:
    return {
        "code": "trinh-duyet", "name": "Chỉ số CCHC các sở năm 2025", "level": "department", "year": YEAR,
        "source": "Bộ chỉ số lập cho kiểm thử trình duyệt", "total_points": 6, "survey_points": 2,
        "areas": [
            {"code": "1", "title": "Cải cách thể chế", "max": 4, "children": [
                {"code": "1.1", "title": "Rà soát văn bản quy phạm pháp luật thuộc thẩm quyền", "max": 2,
                 "rule": "manual", "evidence": "Báo cáo kết quả rà soát"},
                {"code": "1.2", "title": "Kiểm tra tình hình thi hành pháp luật", "max": 2, "rule": "manual",
                 "evidence": "Kết luận kiểm tra"}]},
            {"code": "2", "title": "Tác động", "max": 2, "children": [
                {"code": "2.1", "title": "Mức độ hài lòng của người dân", "max": 2, "rule": "survey"}]},
        ],
    }


def _world(users: dict[str, Any], agencies: dict[str, Any]) -> dict[str, Any]:
    # an earlier transactional test flushes the migrated levels: the scoring home offers a framework to the
    # agencies of its level, so Sở Tư pháp must be a department here whatever ran before
    agency_services.ensure_levels()
    Agency.objects.filter(pk__in=[agencies["justice"].pk, agencies["finance"].pk]).update(
        level=Level.objects.get(code="department"))
    for user, name in zip((users["focal"], users["leader"], users["standing"]), PEOPLE, strict=True):
        user.first_name = name
        user.save()
    plan = Plan.objects.create(number="5/KH-UBND", title="Kế hoạch CCHC năm 2025", year=YEAR,
                               owner=agencies["province"], signer="Phạm Văn Ký Tên")
    section = Section.objects.create(plan=plan, number="I", title="CẢI CÁCH THỂ CHẾ", area="the_che")
    evidence = {}
    for order, (content, number) in enumerate([("Rà soát văn bản quy phạm pháp luật về hộ tịch", "15/BC-STP"),
                                               ("Kiểm tra thi hành pháp luật tại các huyện", "22/KL-STP")]):
        task = Task.objects.create(plan=plan, section=section, content=content, output="Báo cáo", order=order,
                                   status=Status.DONE, due_date=date(YEAR, 6, 30), completed_on=date(YEAR, 6, 1),
                                   note="Ghi chú nhiệm vụ nội bộ")
        TaskAgency.objects.create(task=task, agency=agencies["justice"], role=TaskAgency.Role.LEAD)
        update = ProgressUpdate.objects.create(task=task, author=users["focal"], agency=agencies["justice"],
                                               text="Cập nhật nội bộ của cán bộ", progress=100, status=Status.DONE)
        item = Evidence(update=update, kind="bao_cao", number=number, issuer="Sở Tư pháp",
                        original_name=FILE_NAME)
        item.file.save(FILE_NAME, ContentFile(b"%PDF-1.4 noi bo"), save=True)
        evidence[number] = item
    framework = services.install_framework(parse(framework_json()), actor=users["standing"])
    # Sở Tài chính's results are appraised already: the ranking has two agencies
    other = services.start_assessment(framework, agencies["finance"], actor=users["standing"])
    for score in other.scores.select_related("criterion"):
        if score.criterion.self_assessed:
            services.save_self_score(score, actor=users["standing"], points="1")
    services.submit(other, actor=users["standing"])
    for score in other.scores.select_related("criterion"):
        services.appraise(score, actor=users["standing"], points="1")
    services.finalise(other, actor=users["standing"])  # 3 of 6: 50%
    return {"framework": framework, "evidence": evidence}


@pytest.mark.django_db(transaction=True)
def test_self_score_appraise_publish_rank(page: Page, live_server: Any, users: dict[str, Any],
                                          agencies: dict[str, Any], settings: Any, browser: Any) -> None:
    world = _world(users, agencies)
    framework = world["framework"]
    base = live_server.url

    # the agency's focal officer self-scores both leaves with the suggested evidence
    log_in(page, base, "daumoi", PEOPLE[0])
    page.goto(f"{base}/cham-diem/")
    page.locator(f"#own-frameworks tr[data-framework='{framework.pk}']").get_by_role(
        "button", name="Bắt đầu tự chấm").click()
    expect(page.locator("#assessment-status")).to_have_text("Đang tự chấm")
    page.get_by_role("link", name="Rà soát văn bản quy phạm pháp luật thuộc thẩm quyền").click()
    suggestion = page.locator("#suggestions").get_by_label("Báo cáo 15/BC-STP")
    expect(suggestion).to_be_visible()
    suggestion.check()
    page.locator("#id_points").fill("1,5")
    page.get_by_label("Giải trình").fill(SECRET_NOTE)
    page.get_by_role("button", name="Lưu và sang tiêu chí tiếp").click()
    expect(page.locator("h1")).to_contain_text("1.2.")  # on to the next leaf
    page.locator("#suggestions").get_by_label("Báo cáo 22/KL-STP").check()
    page.locator("#id_points").fill("2")
    page.get_by_role("button", name="Lưu và sang tiêu chí tiếp").click()
    expect(page.locator("#self-total")).to_have_text("3,5")

    # the leader submits
    page.context.clear_cookies()
    log_in(page, base, "lanhdao", PEOPLE[1])
    assessment = Assessment.objects.get(framework=framework, agency=agencies["justice"])
    page.goto(f"{base}/cham-diem/ban-cham/{assessment.pk}/")
    page.get_by_role("button", name="Lãnh đạo ký, gửi Hội đồng thẩm định").click()
    expect(page.locator("#assessment-status")).to_have_text("Đã gửi, chờ thẩm định")

    # the council lowers 1.1 with a comment, enters the survey, finalises and publishes
    page.context.clear_cookies()
    log_in(page, base, "thuongtruc", PEOPLE[2])
    page.goto(f"{base}/cham-diem/hoi-dong/{framework.pk}/")
    page.locator(f"#council tr[data-agency='{agencies['justice'].pk}']").get_by_role("link", name="Mở").click()
    page.get_by_label("Điểm thẩm định 1.1").fill("1")
    page.get_by_label("Ý kiến 1.1").fill(COUNCIL_COMMENT)
    page.get_by_label("Điểm thẩm định 1.2").fill("2")
    page.get_by_label("Điểm thẩm định 2.1").fill("1,5")
    page.get_by_role("button", name="Lưu điểm thẩm định").click()
    expect(page.locator("#final-total")).to_have_text("4,5")
    page.get_by_role("button", name="Chốt kết quả thẩm định").click()
    expect(page.locator("#assessment-status")).to_have_text("Đã thẩm định")
    page.goto(f"{base}/cham-diem/hoi-dong/{framework.pk}/")
    page.get_by_label("Quyết định công bố").fill("Quyết định số 99/QĐ-UBND")
    page.get_by_role("button", name="Công bố kết quả đã thẩm định").click()
    expect(page.locator("#published")).to_contain_text("99/QĐ-UBND")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.index) == (Assessment.Status.PUBLISHED, Decimal("75.00"))

    # the ranking: Sở Tư pháp 75% first, Sở Tài chính 50% second
    page.goto(f"{base}/cham-diem/xep-hang/?bo={framework.pk}")
    rows = page.locator("table#xep-hang tbody tr")
    expect(rows.nth(0)).to_contain_text("Sở Tư pháp")
    expect(rows.nth(0)).to_contain_text("75")
    expect(rows.nth(1)).to_contain_text("Sở Tài chính")
    # the province dashboard's ranking chart and its table
    page.goto(f"{base}/bang-dieu-khien/?nam={YEAR}")
    ranking_table = page.locator("table#table-ranking-department")
    expect(ranking_table).to_contain_text("Sở Tư pháp")
    expect(ranking_table).to_contain_text("75")

    # the agency reads the council's comment
    page.context.clear_cookies()
    log_in(page, base, "daumoi", PEOPLE[0])
    page.goto(f"{base}/cham-diem/ban-cham/{assessment.pk}/")
    expect(page.locator("#scorecard")).to_contain_text(COUNCIL_COMMENT)

    # the public page, once enabled: the plan and the ranking, and nothing internal
    settings.DONDOC_PUBLIC_PAGE = True
    visitor = browser.new_context(locale="vi-VN")
    public = visitor.new_page()
    try:
        for path in ("/cong-khai/", f"/cong-khai/ke-hoach/{world['evidence']['15/BC-STP'].update.task.plan_id}/",
                     "/cong-khai/xep-hang/"):
            public.goto(f"{base}{path}")
            html = public.content()
            for secret in (*PEOPLE, "Phạm Văn Ký Tên", SECRET_NOTE, COUNCIL_COMMENT, FILE_NAME, "/media/",
                           "Ghi chú nhiệm vụ nội bộ", "Cập nhật nội bộ của cán bộ", "daumoi", "thuongtruc"):
                assert secret not in html, (path, secret)
        public.goto(f"{base}/cong-khai/xep-hang/")
        expect(public.locator("body")).to_contain_text("Sở Tư pháp")
        expect(public.locator("body")).to_contain_text("75")
    finally:
        visitor.close()
