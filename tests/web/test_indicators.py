"""Targets measured from one-stop-shop data, through the app: upload an export, see the plan's bound target
filled per period and judged; re-import updates; bad rows block the import and are listed; the column mapping
is asked once per source; hand-entered actuals; binding and scope edits; the QĐ 766 page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dondoc.agencies import services as agency_services
from dondoc.audit.models import AuditEvent
from dondoc.indicators import service_index, services
from dondoc.indicators.dossiers.generate import AgencySpec, generate, write_export
from dondoc.indicators.models import DossierImport, DossierSource, ServiceIndexInput, TargetActual
from dondoc.plans.models import Plan, Target
from dondoc.plans.services import store_plan

from .conftest import sample_plan_json

pytestmark = pytest.mark.django_db

HEADERS = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan tiếp nhận", "Cấp", "Kênh tiếp nhận",
           "Hình thức DVC trực tuyến", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày hoàn thành", "Ngày trả kết quả",
           "Trạng thái", "Có thư xin lỗi", "Số hóa hồ sơ", "Số hóa kết quả", "Đánh giá hài lòng"]


def row(code: str, agency: str, received: str, due: str, finished: str = "", status: str = "Đã giải quyết",
        channel: str = "Trực tiếp", rating: str = "") -> list[str]:
    return [code, "1.001", "Đăng ký khai sinh", "Hộ tịch", agency, "Cấp tỉnh", channel, "", received, due, finished,
            finished, status, "Không", "Có", "Có", rating]


def csv_upload(rows: list[list[str]], name: str = "ho-so.csv", headers: list[str] = HEADERS) -> SimpleUploadedFile:
    lines = [",".join(headers)] + [",".join(r) for r in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")


@pytest.fixture
def plan(users: dict[str, Any], agencies: dict[str, Any]) -> Plan:
    """The province's plan: Quý I/2025 (15/12/2024–14/3/2025) and its target "đúng hạn ≥ 98%"."""
    data = sample_plan_json()
    data["report_periods"].append({"name": "6 tháng đầu năm 2025", "data_from": "2024-12-15",
                                   "data_to": "2025-06-14", "submit_by": "2025-06-14"})
    return store_plan(data, resolve=lambda n: agency_services.ensure(n, actor=users["admin"]),
                      owner=agencies["province"], actor=users["admin"])


def upload(client: Client, capture: Any, file: SimpleUploadedFile, **extra: Any) -> Any:
    source = DossierSource.objects.first()
    data = {"file": file, **({"source": source.pk} if source else {"new_source": "Hệ thống một cửa tỉnh"}), **extra}
    with capture(execute=True):
        return client.post(reverse("dossiers_home"), data)


def test_import_binds_actuals_to_the_plans_target(client: Client, users: dict[str, Any], plan: Plan,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    target = plan.targets.get()
    assert target.metric == "on_time_rate"  # guessed from "giải quyết đúng hạn" on import
    client.force_login(users["standing"])
    # Q1: 4 finished, 3 on time or early (one exactly on its due day), 1 late → 75%; by 14/6 one more on time → 80%
    rows = [row("HS1", "Sở Tư pháp", "05/01/2025 08:00", "10/01/2025", "09/01/2025 10:00"),
            row("HS2", "Sở Tư pháp", "06/01/2025 08:00", "10/01/2025", "10/01/2025 16:30"),
            row("HS3", "Sở Tài chính", "07/01/2025", "10/01/2025", "10/01/2025"),
            row("HS4", "Sở Tài chính", "08/01/2025", "10/01/2025", "13/01/2025"),
            row("HS5", "Sở Tài chính", "01/04/2025", "10/04/2025", "09/04/2025")]
    response = upload(client, django_capture_on_commit_callbacks, csv_upload(rows))
    imp = DossierImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dossier_import_detail", args=[imp.pk])
    assert imp.state == DossierImport.State.DONE, imp.message
    assert (imp.total, imp.imported, imp.inserted, imp.updated, imp.error_count) == (5, 5, 5, 0, 0)

    q1, h1 = plan.report_periods.order_by("data_to")
    overall = {a.period_id: a for a in TargetActual.objects.filter(target=target, agency=None)}
    assert overall[q1.pk].value == Decimal("75") and overall[q1.pk].basis == 4
    assert overall[h1.pk].value == Decimal("80") and overall[h1.pk].basis == 5
    per_agency = {a.agency.name: a.value for a in TargetActual.objects.filter(target=target, period=q1,
                                                                                 agency__isnull=False)}
    assert per_agency == {"Sở Tư pháp": Decimal("100"), "Sở Tài chính": Decimal("50")}

    page = client.get(reverse("target_detail", args=[target.pk])).content.decode()
    assert "Chưa đạt" in page and "75" in page and 'id="trend-chart"' in page
    listing = client.get(reverse("targets_home"), {"q": "dung han"}).content.decode()  # accent-insensitive
    assert target.text[:30] in listing and "Chưa đạt" in listing


def test_reimport_updates_instead_of_duplicating(client: Client, users: dict[str, Any], plan: Plan,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    first = [row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", status="Đang xử lý"),
             row("HS2", "Sở Tư pháp", "06/01/2025", "10/01/2025", "08/01/2025")]
    upload(client, django_capture_on_commit_callbacks, csv_upload(first))
    overlapping = [row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "12/01/2025"),
                   row("HS3", "Sở Tư pháp", "07/01/2025", "10/01/2025", "09/01/2025")]
    upload(client, django_capture_on_commit_callbacks, csv_upload(overlapping, "ho-so-2.csv"))
    second = DossierImport.objects.order_by("-pk").first()
    assert (second.inserted, second.updated) == (1, 1)
    assert services.dossier_store().count() == 3
    target = plan.targets.get()
    q1 = plan.report_periods.get(name="Quý I/2025")
    actual = TargetActual.objects.get(target=target, period=q1, agency=None)
    assert actual.value == Decimal(str(round(2 / 3 * 100, 4)))  # HS1 now finished late: 2 of 3 on time


def test_bad_rows_block_the_import_and_are_listed(client: Client, users: dict[str, Any], plan: Plan,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    rows = [row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025"),
            row("HS2", "Sở Không Có", "05/01/2025", "10/01/2025", "09/01/2025"),
            row("HS3", "Sở Tư pháp", "32/01/2025", "10/01/2025", "09/01/2025"),
            row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025")]
    upload(client, django_capture_on_commit_callbacks, csv_upload(rows))
    imp = DossierImport.objects.get()
    assert imp.state == DossierImport.State.REJECTED and imp.imported == 0 and imp.error_count == 3
    assert [e["line"] for e in imp.errors] == [3, 4, 5]
    assert "Sở Không Có" in imp.errors[0]["reasons"] and "trùng với dòng 2" in imp.errors[2]["reasons"]
    assert services.dossier_store().count() == 0  # nothing half-imported
    assert not TargetActual.objects.exists()
    page = client.get(reverse("dossier_import_detail", args=[imp.pk])).content.decode()
    assert "không đúng định dạng ngày" in page and "Không nhập" in page
    errors = client.get(reverse("dossier_import_errors", args=[imp.pk]))
    assert errors.status_code == 200 and b"HS1" in b"".join(errors.streaming_content)

    upload(client, django_capture_on_commit_callbacks, csv_upload(rows, "lan-2.csv"), skip_bad_rows="on")
    again = DossierImport.objects.order_by("-pk").first()
    assert again.state == DossierImport.State.DONE and again.imported == 1 and again.error_count == 3
    assert services.dossier_store().count() == 1


def test_unknown_columns_are_mapped_once_per_source(client: Client, users: dict[str, Any], plan: Plan,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    odd = ["Số biên nhận X", "TTHC", "Tên TTHC", "LV", "Nơi nhận hồ sơ", "Cấp", "Kênh nộp X", "Hình thức",
           "Nhận lúc", "Hẹn trả lúc", "Xong lúc", "Trả lúc", "Tình trạng", "Xin lỗi", "SH hồ sơ", "SH kết quả", "ĐG"]
    file = csv_upload([row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025")], headers=odd)
    response = upload(client, django_capture_on_commit_callbacks, file)
    imp = DossierImport.objects.get()
    assert imp.state == DossierImport.State.MAPPING
    assert response["Location"] == reverse("dossier_import_mapping", args=[imp.pk])
    form = client.get(response["Location"]).content.decode()
    assert "Mã hồ sơ" in form and "Nơi nhận hồ sơ" in form
    mapping = {"code": "Số biên nhận X", "agency": "Nơi nhận hồ sơ", "channel": "Kênh nộp X", "received_at": "Nhận lúc",
               "due_at": "Hẹn trả lúc", "finished_at": "Xong lúc", "status": "Tình trạng"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], mapping)
    imp.refresh_from_db()
    assert imp.state == DossierImport.State.DONE, imp.message
    assert DossierSource.objects.get().mapping == mapping
    # the same system's next export goes straight in
    upload(client, django_capture_on_commit_callbacks,
           csv_upload([row("HS2", "Sở Tư pháp", "06/01/2025", "10/01/2025", "09/01/2025")], headers=odd))
    assert DossierImport.objects.order_by("-pk").first().state == DossierImport.State.DONE
    assert services.dossier_store().count() == 2


def test_file_that_is_not_an_export_is_refused(client: Client, users: dict[str, Any], plan: Plan,
                                               django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    pdf = SimpleUploadedFile("ho-so.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="text/csv")
    response = upload(client, django_capture_on_commit_callbacks, pdf)
    assert response.status_code == 200 and not DossierImport.objects.exists()
    exe = SimpleUploadedFile("ho-so.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = upload(client, django_capture_on_commit_callbacks, exe)
    assert "chưa được hỗ trợ" in response.content.decode()


def test_hand_entered_actual_wins_and_is_audited(client: Client, users: dict[str, Any], agencies: dict[str, Any],
                                                 plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    target = plan.targets.get()
    q1 = plan.report_periods.get(name="Quý I/2025")
    client.force_login(users["focal"])  # Sở Tư pháp's officer, for Sở Tư pháp
    response = client.post(reverse("target_actual", args=[target.pk]),
                           {"period": q1.pk, "agency": agencies["justice"].pk, "value": "99,5", "note": "Sổ theo dõi"})
    assert response.status_code == 302
    actual = TargetActual.objects.get(target=target, period=q1, agency=agencies["justice"])
    assert actual.value == Decimal("99.5") and actual.source == TargetActual.Source.MANUAL
    assert AuditEvent.objects.filter(action="target.actual", object_id=str(target.pk)).exists()
    # another agency's figure is not the officer's to enter
    assert client.post(reverse("target_actual", args=[target.pk]),
                       {"period": q1.pk, "agency": agencies["finance"].pk, "value": "1"}).status_code == 403
    # a later import recomputes the rest but keeps the hand-entered figure
    client.force_login(users["standing"])
    upload(client, django_capture_on_commit_callbacks,
           csv_upload([row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "12/01/2025")]))
    actual.refresh_from_db()
    assert actual.value == Decimal("99.5") and actual.source == TargetActual.Source.MANUAL
    assert TargetActual.objects.get(target=target, period=q1, agency=None).value == Decimal("0")


def test_standing_agency_rebinds_and_scopes_a_target(client: Client, users: dict[str, Any], agencies: dict[str, Any],
                                                     plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    target = plan.targets.get()
    client.force_login(users["standing"])
    upload(client, django_capture_on_commit_callbacks,
           csv_upload([row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025", channel="Trực tuyến"),
                       row("HS2", "Sở Tài chính", "05/01/2025", "10/01/2025", "09/01/2025")]))
    data = {"text": target.text, "comparator": ">=", "value": "60", "unit": "%", "metric": "online_rate",
            "level": "", "period": "", "agencies": [agencies["justice"].pk]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("target_edit", args=[target.pk]), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.metric == "online_rate" and target.metric_by_officer
    q1 = plan.report_periods.get(name="Quý I/2025")
    assert TargetActual.objects.get(target=target, period=q1, agency=None).value == Decimal("100")  # only Sở Tư pháp
    assert AuditEvent.objects.filter(action="target.edit").exists()
    # viewers cannot edit
    client.force_login(users["viewer"])
    assert client.post(reverse("target_edit", args=[target.pk]), data).status_code == 403


def test_reimporting_the_plan_keeps_targets_and_their_actuals(users: dict[str, Any], agencies: dict[str, Any],
                                                              plan: Plan) -> None:
    target = plan.targets.get()
    q1 = plan.report_periods.get(name="Quý I/2025")
    services.set_actual(target, q1, None, Decimal("97"), actor=users["standing"])
    Target.objects.filter(pk=target.pk).update(metric="", metric_by_officer=True)
    data = sample_plan_json()
    data["targets"].append({"text": "Tỷ lệ hồ sơ trực tuyến đạt tối thiểu 50% tổng số hồ sơ tiếp nhận", "value": 50,
                            "unit": "%", "comparator": ">="})
    again = store_plan(data, resolve=lambda n: agency_services.ensure(n, actor=users["admin"]),
                       owner=agencies["province"], actor=users["admin"], replaces=plan)
    assert again.pk == plan.pk
    kept = Target.objects.get(pk=target.pk)
    assert kept.metric == "" and kept.actuals.get().value == Decimal("97")  # the officer's choice stays
    assert again.targets.get(value=50).metric == "online_rate"


def test_indicator_table_and_service_index(client: Client, users: dict[str, Any], agencies: dict[str, Any],
                                           plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    upload(client, django_capture_on_commit_callbacks,
           csv_upload([row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025", rating="Rất hài lòng"),
                       row("HS2", "Sở Tài chính", "05/01/2025", "10/01/2025", "19/01/2025")]))
    q1 = plan.report_periods.get(name="Quý I/2025")
    page = client.get(reverse("indicators"), {"ky": q1.pk, "q": "tu phap"}).content.decode()
    assert "Sở Tư pháp" in page and "Sở Tài chính" not in page
    page = client.get(reverse("service_index"), {"ky": q1.pk, "co_quan": agencies["justice"].pk}).content.decode()
    assert "2.1" in page and "nhập tay" in page and "tính từ dữ liệu hồ sơ" in page
    manual_code = next(iter(service_index.MANUAL_INPUTS))
    url = reverse("service_index") + f"?ky={q1.pk}&co_quan={agencies['justice'].pk}"
    assert client.post(url, {"co_quan": agencies["justice"].pk, manual_code: "80"}).status_code == 302
    assert ServiceIndexInput.objects.get(agency=agencies["justice"], code=manual_code).value == Decimal("80")
    # an agency's officer sees its own figures only and cannot enter another agency's
    client.force_login(users["other_focal"])
    page = client.get(reverse("indicators"), {"ky": q1.pk}).content.decode()
    assert "Sở Tài chính" in page and "Sở Tư pháp" not in page
    assert client.post(url, {"co_quan": agencies["justice"].pk, manual_code: "10"}).status_code == 403


def test_demo_generator_feeds_the_pipeline(users: dict[str, Any], agencies: dict[str, Any], plan: Plan,
                                           tmp_path: Path) -> None:
    frame = generate(500, [AgencySpec("Sở Tư pháp", "province"), AgencySpec("UBND huyện Mường Xanh", "district")],
                     start=date(2024, 12, 15), end=date(2025, 6, 14), seed=3)
    path = tmp_path / "x.csv"
    write_export(frame, path)
    assert isinstance(frame, pl.DataFrame) and path.stat().st_size > 0
    source = services.create_source("Thử", actor=users["standing"])
    with path.open("rb") as fh:
        imp = services.start_import(users["standing"], SimpleUploadedFile("x.csv", fh.read()), source=source)
    assert imp.state == DossierImport.State.QUEUED
    done = services.run_import(imp.pk, services.mapping_for(source, imp.headers))
    assert done.state == DossierImport.State.DONE and done.imported == 500
    assert TargetActual.objects.filter(target__plan=plan, agency=None).count() == 2


def test_reports_carry_the_targets_actuals(client: Client, users: dict[str, Any], agencies: dict[str, Any],
                                           plan: Plan, django_capture_on_commit_callbacks: Any) -> None:
    from dondoc.reports import documents
    from dondoc.reports import services as report_services

    from .conftest import docx_lines

    client.force_login(users["standing"])
    upload(client, django_capture_on_commit_callbacks,
           csv_upload([row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025"),
                       row("HS2", "Sở Tài chính", "05/01/2025", "10/01/2025", "12/01/2025")]))
    q1 = plan.report_periods.get(name="Quý I/2025")
    own = report_services.open_report(q1, actor=users["focal"])
    data = report_services.compose_for(own)
    assert [t.actual for t in data.targets] == ["100% (đạt)"]  # Sở Tư pháp's own figure
    province = report_services.open_report(q1, actor=users["standing"], scope="province")
    line = report_services.compose_for(province).targets[0]
    assert line.actual == "50% (chưa đạt)"  # the province's plan: every agency's dossiers
    text = "\n".join(docx_lines(documents.render_docx(province, report_services.compose_for(province)))[1])
    assert "Kết quả thực hiện các chỉ tiêu" in text and "50% (chưa đạt)" in text


def test_api_lists_targets_with_their_actuals(client: Client, users: dict[str, Any], plan: Plan,
                                              django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    upload(client, django_capture_on_commit_callbacks,
           csv_upload([row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025")]))
    body = client.get("/api/v1/targets/", {"plan": plan.pk}).json()
    target = body["results"][0]
    assert target["metric"] == "on_time_rate"
    scope = [a for a in target["actuals"] if a["agency"] is None and a["period_name"] == "Quý I/2025"]
    assert scope == [{**scope[0], "value": "100.0000", "basis": 1, "source": "computed", "achievement": "met"}]


def test_an_export_that_breaks_while_reading_fails_cleanly(client: Client, users: dict[str, Any], plan: Plan,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(users["standing"])
    good = row("HS1", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025")
    ragged = [*row("HS2", "Sở Tư pháp", "05/01/2025", "10/01/2025", "09/01/2025"), "cột thừa", "nữa"]
    upload(client, django_capture_on_commit_callbacks, csv_upload([good, ragged]))
    imp = DossierImport.objects.get()
    assert imp.state == DossierImport.State.FAILED and "Dòng 3" in imp.message
    assert services.dossier_store().count() == 0
    page = client.get(reverse("dossier_import_detail", args=[imp.pk])).content.decode()
    assert "Dòng 3" in page
    status = client.get(reverse("dossier_import_status", args=[imp.pk])).json()
    assert status == {"status": "failed", "progress": 100, "stage": "lỗi"}


def test_a_departments_target_counts_the_department_and_its_units(users: dict[str, Any], agencies: dict[str, Any],
                                                                  plan: Plan) -> None:
    justice = agencies["justice"]
    unit = agency_services.create_agency("Trung tâm Trợ giúp pháp lý", parent=justice)
    group = agency_services.create_agency("Các phòng thuộc Sở", parent=justice, is_group=True)
    own = sample_plan_json()
    own["document"] = {**own["document"], "number": "5/KH-STP", "issuer": "Sở Tư pháp"}
    own_plan = store_plan(own, resolve=lambda n: agency_services.ensure(n, actor=users["admin"]), owner=justice,
                          actor=users["admin"])
    scope = services.scope_of(own_plan.targets.get())
    assert scope == sorted([justice.pk, unit.pk]) and group.pk not in scope
    assert services.scope_of(plan.targets.get()) is None  # the province's plan: every agency
