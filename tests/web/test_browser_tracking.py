"""A real browser through the follow-up of a task and the urging of a late one (headless Chromium, Playwright).

What the issue asks the application to show: the focal officer of the lead agency records progress on a task
with an evidence file and marks it done; the leader of that agency approves the completion and the task page
says "Hoàn thành đúng hạn"; a late task stands on the standing agency's overdue board under its lead agency,
and the standing officer writes that agency's urging letter (công văn đôn đốc) from the board and downloads it
as a DOCX whose content is checked here.

The dates are chosen against the real calendar, so nothing has to stop the clock in the live server's thread:
the task to complete is due in 2099 (completed today, so on time), the late one was due on 30/06/2020.

Needs the `playwright` Python package and a Chromium binary (Debian: `apt-get install chromium`).
Without them the tests are skipped with the reason — unless DONDOC_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, Status, Task
from dondoc.plans.services import store_plan
from dondoc.tracking.letters import MOTTO
from dondoc.tracking.models import Evidence, ProgressUpdate, UrgingLetter

from .browser import Page, expect, log_in
from .conftest import docx_lines, sample_plan_json

ON_TIME_CONTENT = "Rà soát văn bản quy phạm pháp luật của tỉnh"  # led by Sở Tư pháp, due 30/06/2099
LATE_CONTENT = "Xây dựng cơ sở dữ liệu thủ tục hành chính của tỉnh"  # led by Sở Tài chính, due 30/06/2020
LATE_DUE = date(2020, 6, 30)
EVIDENCE_NAME = "bao-cao-ket-qua-ra-soat.pdf"
EVIDENCE_BYTES = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                  b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def log_out(page: Page) -> None:
    page.locator("header .who").get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()


def tracking_plan_json() -> dict[str, Any]:
    """The two-task sample plan: task 1 (Sở Tư pháp) due far ahead, task 2 (Sở Tài chính) long overdue."""
    data = sample_plan_json()
    first, second = data["tasks"]
    first.update(deadline="Quý II/2099",
                 schedule={"due_dates": ["2099-06-30"], "recurrence": [], "continuous": False, "conditional": False})
    second.update(content=LATE_CONTENT, lead="Sở Tài chính", coordinating="Sở Nội vụ", deadline="Tháng 6/2020",
                  lead_agencies=["Sở Tài chính"], coordinating_agencies=["Sở Nội vụ"],
                  schedule={"due_dates": [LATE_DUE.isoformat()], "recurrence": [], "continuous": False,
                            "conditional": False})
    assert first["content"] == ON_TIME_CONTENT
    return data


@pytest.mark.django_db(transaction=True)
def test_progress_evidence_approval_overdue_board_urging_letter(page: Page, live_server: Any, tmp_path: Path,
                                                                 users: dict[str, Any],
                                                                 agencies: dict[str, Agency]) -> None:
    plan = store_plan(tracking_plan_json(), resolve=lambda name: agency_services.ensure(name),
                      owner=agencies["province"], actor=users["admin"])
    on_time = Task.objects.get(plan=plan, content=ON_TIME_CONTENT)
    late = Task.objects.get(plan=plan, content=LATE_CONTENT)
    assert on_time.due_date == date(2099, 6, 30) and late.due_date == LATE_DUE
    task_url = reverse("task_detail", args=[on_time.pk])
    evidence = tmp_path / EVIDENCE_NAME
    evidence.write_bytes(EVIDENCE_BYTES)
    base = live_server.url
    today = timezone.localdate()

    # 1. the focal officer of Sở Tư pháp finds the task in the plan and reports it done, with an evidence file
    log_in(page, base, users["focal"].username)
    page.goto(f"{base}{reverse('plan_detail', args=[plan.pk])}")
    page.locator(f"a[href='{task_url}']").click()
    expect(page.locator("h1")).to_contain_text(ON_TIME_CONTENT)
    form = page.locator("section#cap-nhat")
    form.get_by_label("Trạng thái:", exact=True).select_option(label="Hoàn thành")
    form.get_by_label("Tiến độ (%)").fill("100")
    form.get_by_label("Nội dung cập nhật").fill("Đã rà soát 152 văn bản, đề nghị bãi bỏ 7 văn bản.")
    form.get_by_label("Loại văn bản kết quả").select_option(index=1)
    form.get_by_label("Số, ký hiệu").fill("45/BC-STP")
    form.get_by_label("Tệp kiểm chứng").set_input_files(evidence)
    form.get_by_role("button", name="Lưu cập nhật").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi đề nghị lãnh đạo cơ quan duyệt hoàn thành nhiệm vụ.")
    assert page.url.endswith(task_url)
    expect(page.locator("section#duyet")).to_contain_text("Đang chờ lãnh đạo cơ quan chủ trì duyệt hoàn thành.")
    expect(page.locator("section#duyet").get_by_role("button", name="Duyệt hoàn thành")).to_have_count(0)
    on_time.refresh_from_db()
    assert (on_time.status, on_time.progress, on_time.completed_on) == (Status.AWAITING_APPROVAL, 100, today)

    # the evidence file is listed in the task's history and downloads as it was sent
    stored = Evidence.objects.get(update__task=on_time)
    link = page.locator("section#lich-su ul.evidence a", has_text=EVIDENCE_NAME)
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", reverse("evidence_download", args=[stored.pk]))
    expect(page.locator("section#lich-su ul.evidence")).to_contain_text("45/BC-STP")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == EVIDENCE_NAME
    got = tmp_path / "evidence-download.pdf"
    info.value.save_as(got)
    assert got.read_bytes() == EVIDENCE_BYTES
    log_out(page)

    # 2. the leader of Sở Tư pháp finds the request in their queue and approves it
    log_in(page, base, users["leader"].username)
    page.locator("nav.mainnav").get_by_role("link", name="Việc của tôi", exact=True).click()
    waiting = page.locator("section#cho-duyet")
    expect(waiting).to_contain_text(ON_TIME_CONTENT)
    waiting.locator(f"a[href='{task_url}']").first.click()
    expect(page.locator("h1")).to_contain_text(ON_TIME_CONTENT)
    approval = page.locator("section#duyet")
    expect(approval).to_contain_text(f"ngày {today:%d/%m/%Y}")
    expect(page.locator("section#lich-su ul.evidence a", has_text=EVIDENCE_NAME)).to_have_count(1)
    approval.get_by_role("button", name="Duyệt hoàn thành").click()
    expect(page.locator(".messages")).to_contain_text("Đã xác nhận nhiệm vụ hoàn thành.")
    expect(page.locator("section#duyet")).to_have_count(0)
    expect(page.locator("section#tinh-hinh .state-label")).to_have_text("Hoàn thành đúng hạn")
    expect(page.locator("section#tinh-hinh dl.facts")).to_contain_text(f"{today:%d/%m/%Y} — Hoàn thành đúng hạn")
    expect(page.locator("section#lich-su")).to_contain_text("Đã rà soát 152 văn bản")
    expect(page.locator("section#lich-su ul.evidence a", has_text=EVIDENCE_NAME)).to_have_count(1)
    on_time.refresh_from_db()
    assert (on_time.status, on_time.completed_on) == (Status.DONE, today)
    log_out(page)

    # 3. the standing agency's overdue board: the late task under its lead agency, the completed one nowhere
    log_in(page, base, users["standing"].username)
    page.locator("nav.mainnav").get_by_role("link", name="Quá hạn", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Nhiệm vụ quá hạn")
    groups = page.locator("section.board-group")
    expect(groups).to_have_count(1)
    group = groups.filter(has=page.locator("h2 a", has_text=agencies["finance"].name))
    expect(group).to_have_count(1)
    days_late = (today - LATE_DUE).days
    row = group.locator("tbody tr", has=page.locator(f"a[href='{reverse('task_detail', args=[late.pk])}']"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(LATE_CONTENT)
    expect(row).to_contain_text("30/06/2020")
    expect(row.locator("td.late")).to_have_text(str(days_late))
    expect(page.locator("main")).not_to_contain_text(ON_TIME_CONTENT)

    # 4. the urging letter to Sở Tài chính, written from the board
    group.get_by_role("link", name="Soạn công văn đôn đốc").click()
    expect(page.locator("h1")).to_have_text(f"Công văn đôn đốc {agencies['finance'].name}")
    letter_form = page.locator("form#letter-form")
    expect(letter_form.locator(f"input[name=task][value='{late.pk}']")).to_be_checked()
    expect(letter_form.get_by_label("Ngày văn bản")).to_have_value(today.isoformat())
    letter_form.get_by_label("Số:", exact=True).fill("125")
    letter_form.get_by_label("Người ký").fill("Trần Văn Bình")
    letter_form.get_by_role("button", name="Lập văn bản đôn đốc (DOCX)").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Đã lập văn bản đôn đốc {agencies['finance'].name} về 1 nhiệm vụ quá hạn.")
    letter = UrgingLetter.objects.get()
    assert letter.agency == agencies["finance"] and list(letter.tasks.all()) == [late]
    assert ProgressUpdate.objects.filter(task=late, kind=ProgressUpdate.Kind.URGING).count() == 1
    listed = page.locator(f"tr#cong-van-{letter.pk}")
    expect(listed).to_contain_text("125/SNV-CCHC")
    expect(listed).to_contain_text(agencies["finance"].name)
    with page.expect_download() as info:
        listed.get_by_role("link", name="Tải DOCX").click()
    assert re.fullmatch(rf"cong-van-don-doc-.+-{today:%Y%m%d}\.docx", info.value.suggested_filename)
    saved = tmp_path / "cong-van-don-doc.docx"
    info.value.save_as(saved)

    # 5. the DOCX itself: addressee, the late task, the national motto, number and signer
    text = "\n".join(docx_lines(saved.read_bytes())[1])
    assert f"Kính gửi: {agencies['finance'].name}" in text
    assert LATE_CONTENT in text
    assert MOTTO == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and MOTTO in text
    assert "Số: 125/SNV-CCHC" in text
    assert str(days_late) in text and "30/06/2020" in text
    assert "Trần Văn Bình" in text
    assert ON_TIME_CONTENT not in text
    assert Plan.objects.count() == 1
