"""The PAR-Index scorecard's whole flow through the pages: self-score with suggested evidence → submit → the
council adjusts with comments → finalise → publish → ranking order and ties; and each drafting rule (metric from
dossiers, share of tasks on time) on hand-computed data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dondoc.audit.models import AuditEvent
from dondoc.plans.models import Plan, Section, Status, Task, TaskAgency
from dondoc.scoring import selectors, services
from dondoc.scoring.frameworks import parse
from dondoc.scoring.models import Assessment, Framework, Score, ScoreFile
from dondoc.tracking.models import Evidence, Extension, ProgressUpdate

from .test_indicators import csv_upload, row, upload

pytestmark = pytest.mark.django_db

YEAR = 2025


def small_framework() -> dict[str, Any]:
    """Four leaves, one of each rule: 8 points, 3 of them from the survey."""
    return {
        "code": "thu-nghiem", "name": "Chỉ số CCHC các sở (thử nghiệm)", "level": "department", "year": YEAR,
        "source": "Bộ chỉ số lập cho kiểm thử", "total_points": 8, "survey_points": 3,
        "areas": [
            {"code": "1", "title": "Cải cách thể chế", "max": 3, "children": [
                {"code": "1.1", "title": "Rà soát văn bản quy phạm pháp luật thuộc thẩm quyền", "max": 2,
                 "rule": "manual", "may_be_na": True, "evidence": "Báo cáo kết quả rà soát văn bản"},
                {"code": "1.2", "title": "Tỷ lệ hồ sơ giải quyết đúng hạn", "max": 1, "rule": "metric",
                 "params": {"metric": "on_time_rate", "bands": [{"min": 100, "points": 1},
                                                                 {"min": 95, "points": 0.5}]}}]},
            {"code": "2", "title": "Tác động", "max": 5, "children": [
                {"code": "2.1", "title": "Hoàn thành nhiệm vụ cải cách thể chế", "max": 2, "rule": "tasks",
                 "params": {"area": "the_che"}},
                {"code": "2.2", "title": "Mức độ hài lòng của người dân", "max": 3, "rule": "survey"}]},
        ],
    }


@pytest.fixture
def framework(users: dict[str, Any]) -> Framework:
    return services.install_framework(parse(small_framework()), actor=users["standing"])


@pytest.fixture
def justice_tasks(agencies: dict[str, Any], users: dict[str, Any]) -> dict[str, Task]:
    """Sở Tư pháp's 2025 tasks in the institutions area: one done on time (with evidence), one done within an
    approved extension, one late, one overdue, one not yet due; and a finance task with its own evidence."""
    plan = Plan.objects.create(title="Kế hoạch CCHC năm 2025", year=YEAR, owner=agencies["province"])
    section = Section.objects.create(plan=plan, number="I", title="CẢI CÁCH THỂ CHẾ", area="the_che")
    tasks: dict[str, Task] = {}

    def task(name: str, content: str, agency: str, status: str, due: date | None, done: date | None) -> Task:
        made = Task.objects.create(plan=plan, section=section, content=content, output="Báo cáo", status=status,
                                   due_date=due, completed_on=done, order=len(tasks))
        TaskAgency.objects.create(task=made, agency=agencies[agency], role=TaskAgency.Role.LEAD)
        tasks[name] = made
        return made

    review = task("review", "Rà soát văn bản quy phạm pháp luật về hộ tịch", "justice", Status.DONE,
                  date(2025, 6, 30), date(2025, 6, 20))
    update = ProgressUpdate.objects.create(task=review, author=users["focal"], agency=agencies["justice"],
                                           text="Đã rà soát", progress=100, status=Status.DONE)
    tasks["evidence"] = Evidence.objects.create(update=update, kind="bao_cao", number="15/BC-STP",
                                                issuer="Sở Tư pháp")  # type: ignore[assignment]
    extended = task("extended", "Kiểm tra thi hành pháp luật", "justice", Status.DONE, date(2025, 9, 30),
                    date(2025, 8, 15))
    Extension.objects.create(task=extended, old_due=date(2025, 6, 30), new_due=date(2025, 9, 30), reason="Chờ",
                             decision=Extension.Decision.APPROVED)
    task("late", "Tập huấn pháp luật", "justice", Status.DONE, date(2025, 3, 31), date(2025, 4, 10))
    task("overdue", "Theo dõi tình hình thi hành pháp luật", "justice", Status.IN_PROGRESS, date(2025, 5, 31), None)
    task("later", "Tổng kết công tác pháp chế", "justice", Status.NOT_STARTED, date(2026, 1, 31), None)
    other = task("finance", "Rà soát văn bản quy phạm pháp luật về ngân sách", "finance", Status.DONE,
                 date(2025, 6, 30), date(2025, 6, 1))
    other_update = ProgressUpdate.objects.create(task=other, text="Xong", progress=100, status=Status.DONE)
    tasks["finance_evidence"] = Evidence.objects.create(update=other_update, number="9/BC-STC")  # type: ignore
    return tasks


def _scores(assessment: Assessment) -> dict[str, Score]:
    return {s.criterion.code: s for s in assessment.scores.select_related("criterion")}


def test_the_whole_flow(client: Client, users: dict[str, Any], agencies: dict[str, Any], framework: Framework,
                        justice_tasks: dict[str, Any], time_machine: Any) -> None:
    time_machine.move_to("2025-12-20 09:00 +07:00")
    client.force_login(users["focal"])
    assert framework.name in client.get(reverse("scoring_home")).content.decode()
    response = client.post(reverse("assessment_start", args=[framework.pk]))
    assessment = Assessment.objects.get(agency=agencies["justice"])
    assert response["Location"] == reverse("assessment_detail", args=[assessment.pk])
    scores = _scores(assessment)
    # drafted from dondoc's data: 2.1 = 2 points × (1 on time + 1 within its extension) / (those + 1 late + 1
    # overdue) = 1; the task not yet due is not counted
    assert scores["2.1"].computed_points == Decimal("1.00") and scores["2.1"].self_points == Decimal("1.00")
    assert "2/4" in scores["2.1"].computed_detail
    assert scores["1.2"].computed_points is None and "chưa có số liệu" in scores["1.2"].computed_detail
    assert not scores["2.2"].criterion.self_assessed

    # the leaf page suggests the review task's evidence for "Rà soát văn bản quy phạm pháp luật"
    leaf_url = reverse("score_leaf", args=[assessment.pk, scores["1.1"].pk])
    page = client.get(leaf_url).content.decode()
    evidence = justice_tasks["evidence"]
    assert f'value="{evidence.pk}"' in page
    assert f'value="{justice_tasks["finance_evidence"].pk}"' not in page  # another agency's
    response = client.post(leaf_url, {"points": "1,5", "note": "Đã rà soát 120 văn bản", "evidence": [evidence.pk]})
    assert response.status_code == 302
    scores = _scores(assessment)
    assert scores["1.1"].self_points == Decimal("1.50")
    assert list(scores["1.1"].evidence.all()) == [evidence]
    # an officer cannot pick another agency's evidence, nor give more than the maximum
    client.post(leaf_url, {"points": "1", "evidence": [justice_tasks["finance_evidence"].pk]})
    client.post(leaf_url, {"points": "2,5"})
    assert _scores(assessment)["1.1"].self_points == Decimal("1.50")
    # an uploaded document
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(reverse("score_file_upload", args=[assessment.pk, scores["1.1"].pk]), {"file": pdf})
    assert ScoreFile.objects.get().original_name == "bien-ban.pdf"
    # the survey leaf is not the agency's to score
    client.post(reverse("score_leaf", args=[assessment.pk, scores["2.2"].pk]), {"points": "3"})
    assert _scores(assessment)["2.2"].self_points is None

    # only the leader submits, and only with every leaf it scores filled in
    assert client.post(reverse("assessment_submit", args=[assessment.pk])).status_code == 403
    client.force_login(users["leader"])
    client.post(reverse("assessment_submit", args=[assessment.pk]))
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT  # 1.2 missing
    client.force_login(users["focal"])
    client.post(reverse("score_leaf", args=[assessment.pk, scores["1.2"].pk]), {"points": "0,5"})
    client.force_login(users["leader"])
    client.post(reverse("assessment_submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED and assessment.self_total == Decimal("3.00")
    client.force_login(users["focal"])
    assert client.post(leaf_url, {"points": "2"}).status_code == 403  # locked for the agency now

    # the council's sheet: a changed point without a comment saves nothing of the sheet
    client.force_login(users["standing"])
    sheet = reverse("assessment_appraise", args=[assessment.pk])
    s = _scores(assessment)
    client.post(sheet, {f"points-{s['1.1'].pk}": "1", f"points-{s['2.2'].pk}": "2,4"})
    assert _scores(assessment)["2.2"].appraised_points is None
    client.post(sheet, {f"points-{s['1.1'].pk}": "1", f"comment-{s['1.1'].pk}": "Thiếu báo cáo quý IV",
                        f"points-{s['2.2'].pk}": "2,4", f"points-{s['2.1'].pk}": "1",
                        f"points-{s['1.2'].pk}": "0,5"})
    assessment.refresh_from_db()
    # final: 1 + 0,5 + 1 + 2,4 = 4,9 of 8 → 61,25%
    assert (assessment.final_total, assessment.max_total, assessment.index) == (
        Decimal("4.90"), Decimal("8.00"), Decimal("61.25"))
    client.post(reverse("assessment_finalise", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINALISED

    # the agency reads the council's comment; the ranking is not public before publication
    client.force_login(users["focal"])
    assert "Thiếu báo cáo quý IV" in client.get(reverse("assessment_detail", args=[assessment.pk])).content.decode()
    assert selectors.ranking(framework) == []

    client.force_login(users["standing"])
    client.post(reverse("framework_publish", args=[framework.pk]), {"decision": "Quyết định số 99/QĐ-UBND"})
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PUBLISHED and assessment.locked
    assert [(r.agency.name, r.rank, r.index) for r in selectors.ranking(framework)] == [
        ("Sở Tư pháp", 1, Decimal("61.25"))]
    # once published, nobody changes a point
    client.post(sheet, {f"points-{s['1.1'].pk}": "2", f"comment-{s['1.1'].pk}": "sửa"})
    assert _scores(assessment)["1.1"].appraised_points == Decimal("1.00")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"scoring.self_scored", "scoring.submitted", "scoring.appraised", "scoring.finalised",
            "scoring.published", "scoring.file_attached"} <= actions


def _publish(framework: Framework, agency: Any, points: dict[str, str], actor: Any, na: tuple[str, ...] = ()
             ) -> Assessment:
    """An agency's scorecard through the services: self-scored as given, appraised the same, finalised."""
    assessment = services.start_assessment(framework, agency, actor=actor, today=date(YEAR, 12, 20))
    for score in assessment.scores.select_related("criterion"):
        code = score.criterion.code
        if code in na:
            services.save_self_score(score, actor=actor, points="", not_applicable=True, na_reason="Không có TTHC")
        elif score.criterion.self_assessed:
            services.save_self_score(score, actor=actor, points=points[code])
    services.submit(assessment, actor=actor)
    for score in assessment.scores.select_related("criterion"):
        if not score.not_applicable:
            services.appraise(score, actor=actor, points=points[score.criterion.code])
    return services.finalise(assessment, actor=actor)


def test_ties_share_a_rank_and_not_applicable_shrinks_the_maximum(users: dict[str, Any], agencies: dict[str, Any],
                                                                  framework: Framework) -> None:
    admin = users["admin"]
    full = {"1.1": "2", "1.2": "1", "2.1": "2", "2.2": "3"}
    # Sở Nội vụ: 6 of 8 = 75%; Sở Tư pháp: 1.1 not applicable, 4,5 of 6 = 75% (a tie); Sở Tài chính 8 of 8
    _publish(framework, agencies["home"], {**full, "2.2": "1"}, admin)
    justice = _publish(framework, agencies["justice"], {**full, "2.2": "1,5"}, admin, na=("1.1",))
    assert (justice.max_total, justice.final_total, justice.index) == (Decimal("6.00"), Decimal("4.50"),
                                                                       Decimal("75.00"))
    _publish(framework, agencies["finance"], full, admin)
    services.publish(framework, actor=admin)
    rows = selectors.ranking(framework)
    assert [(r.agency.name, r.rank) for r in rows] == [("Sở Tài chính", 1), ("Sở Nội vụ", 2), ("Sở Tư pháp", 2)]

    # the next year: year-on-year change against the published results
    following = services.copy_framework(framework, year=YEAR + 1, actor=admin)
    _publish(following, agencies["justice"], full, admin)
    services.publish(following, actor=admin)
    (only,) = selectors.ranking(following)
    assert (only.previous_index, only.previous_rank, only.change) == (Decimal("75.00"), 2, Decimal("25.00"))


def test_metric_leaf_is_drafted_from_the_dossiers(client: Client, users: dict[str, Any], agencies: dict[str, Any],
                                                  framework: Framework, django_capture_on_commit_callbacks: Any
                                                  ) -> None:
    client.force_login(users["standing"])
    # Sở Tư pháp: 20 finished, 19 on time → 95% → 0,5 of 1 point
    rows = [row(f"HS{i}", "Sở Tư pháp", "05/03/2025", "10/03/2025", "12/03/2025" if i == 0 else "09/03/2025")
            for i in range(20)]
    upload(client, django_capture_on_commit_callbacks, csv_upload(rows))
    assessment = services.start_assessment(framework, agencies["justice"], actor=users["focal"],
                                           today=date(YEAR, 12, 20))
    score = _scores(assessment)["1.2"]
    assert score.computed_points == Decimal("0.50") and score.self_points == Decimal("0.50")
    assert "95%" in score.computed_detail


def test_who_may_do_what(client: Client, users: dict[str, Any], agencies: dict[str, Any], framework: Framework
                         ) -> None:
    assessment = services.start_assessment(framework, agencies["justice"], actor=users["focal"])
    detail = reverse("assessment_detail", args=[assessment.pk])
    for role in ("viewer", "other_focal"):  # Sở Tài chính's users: another agency's scorecard does not exist
        client.force_login(users[role])
        assert client.get(detail).status_code == 404
    client.force_login(users["other_focal"])
    client.post(reverse("assessment_start", args=[framework.pk]), {"agency": agencies["justice"].pk})
    assert Assessment.objects.filter(agency=agencies["finance"]).exists()  # their own, not Sở Tư pháp's
    client.force_login(users["viewer"])
    assert client.post(reverse("assessment_start", args=[framework.pk])).status_code == 403
    client.force_login(users["focal"])
    assert client.get(reverse("council_board", args=[framework.pk])).status_code == 403
    assert client.post(reverse("framework_publish", args=[framework.pk])).status_code == 403
    client.force_login(users["standing"])
    page = client.get(reverse("council_board", args=[framework.pk])).content.decode()
    assert "Sở Tư pháp" in page


def test_draft_scorecards_follow_an_edited_tree(users: dict[str, Any], agencies: dict[str, Any],
                                                framework: Framework) -> None:
    from dondoc.scoring.models import Criterion

    assessment = services.start_assessment(framework, agencies["justice"], actor=users["focal"])
    leaf = framework.criteria.get(code="1.1")
    services.save_self_score(assessment.scores.get(criterion=leaf), actor=users["focal"], points="2")
    # a sub-criterion under 1.1: 1.1 becomes a parent, its score row goes, the new leaf gets one
    services.save_criterion(Criterion(framework=framework, parent=leaf), {
        "code": "1.1.1", "title": "Rà soát định kỳ", "max_points": Decimal("1.5"), "rule": "manual"},
        actor=users["standing"])
    assessment.refresh_from_db()
    codes = sorted(assessment.scores.values_list("criterion__code", flat=True))
    assert codes == ["1.1.1", "1.2", "2.1", "2.2"]
    assert assessment.max_total == Decimal("7.50") and assessment.self_total == Decimal("0.00")
    # deleting it makes 1.1 a leaf again, with a fresh score row
    services.delete_criterion(framework.criteria.get(code="1.1.1"), actor=users["standing"])
    assert sorted(assessment.scores.values_list("criterion__code", flat=True)) == ["1.1", "1.2", "2.1", "2.2"]
