"""/api/v1/reports/: the periodic reports as sent (never a draft), with the figures frozen at submission, and who
reads which (accounts.policy.visible_report_filter). Reports are made the way officers make them: the focal
officer opens the draft, the leader approves and sends it (dondoc.reports.services)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dondoc.accounts.models import Role
from dondoc.agencies.models import Agency
from dondoc.plans.models import ReportPeriod
from dondoc.reports import services as report_services
from dondoc.reports.models import NARRATIVE_FIELDS, Report

from .conftest import make_user
from .test_api import API, Province, get, ids

# the first quarter's cut-off (the sample plan's period: data 15/12/2024 → 14/03/2025, due 14/03/2025)
CUT_OFF = date(2025, 3, 20)


def submit(report: Report, officer: Any, leader: Any, today: date = CUT_OFF) -> Report:
    report = report_services.send_for_approval(report, actor=officer)
    return report_services.approve_and_submit(report, actor=leader, today=today)


class Reports(Province):
    """Province plus its reports: Sở Tư pháp's for the first quarter (sent late, with its number and a proposal)
    and for the year (sent on time), Sở Tài chính's for the first quarter, the province's aggregate of the first
    quarter, and a correction of Sở Tư pháp's quarterly report still being drafted."""

    def __init__(self, users: dict[str, Any], agencies: dict[str, Agency]) -> None:
        super().__init__(users, agencies)
        self.quarter = self.plan.report_periods.get()
        self.year_period = ReportPeriod.objects.create(
            plan=self.plan, name="Năm 2025", data_from=date(2024, 12, 15), data_to=date(2025, 12, 14),
            submit_by=timezone.localdate() + timedelta(days=30))
        focal, leader = users["focal"], users["leader"]
        draft = report_services.open_report(self.quarter, actor=focal, today=CUT_OFF)
        draft = report_services.save_narrative(
            draft, {"proposals": "Đề nghị Bộ Tư pháp sớm ban hành hướng dẫn."}, actor=focal,
            edit_version=draft.edit_version, number="15/BC-STP")
        self.justice = submit(draft, focal, leader)
        self.justice_year = submit(report_services.open_report(self.year_period, actor=focal), focal, leader,
                                   today=timezone.localdate())
        finance_leader = make_user("lanhdao2", Role.LEADER, agencies["finance"])
        self.finance = submit(report_services.open_report(self.quarter, actor=users["other_focal"], today=CUT_OFF),
                              users["other_focal"], finance_leader)
        standing = users["standing"]
        aggregate = report_services.open_report(self.quarter, actor=standing, scope=Report.Scope.PROVINCE,
                                                today=CUT_OFF)
        self.province_report = report_services.approve_and_submit(aggregate, actor=standing, today=CUT_OFF)
        self.correction = report_services.start_correction(self.justice, actor=focal)
        self.sent = {self.justice.pk, self.justice_year.pk, self.finance.pk, self.province_report.pk}


@pytest.fixture
def reports(users: dict[str, Any], agencies: dict[str, Agency]) -> Reports:
    return Reports(users, agencies)


def test_schema_documents_the_reports_endpoint(client: Client) -> None:
    schema = client.get(API + "schema/", {"format": "json"}).json()
    listing = schema["paths"][f"{API}reports/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "period", "plan", "agency", "year", "scope", "submitted_since", "limit", "offset"}
    scope = next(p for p in listing["parameters"] if p["name"] == "scope")
    assert scope["schema"]["enum"] == ["agency", "province"]
    detail = schema["paths"][f"{API}reports/{{id}}/"]["get"]
    assert detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReportDetail")
    components = schema["components"]["schemas"]
    assert set(components["Report"]["properties"]) == {
        "id", "scope", "agency", "agency_name", "version", "previous", "period", "number", *NARRATIVE_FIELDS,
        "submitted_at", "approved_by_name", "late", "figures"}
    assert "tasks" in components["Area"]["properties"] and "tasks" not in components["AreaCounts"]["properties"]
    assert "agencies" in components["Figures"]["properties"]


@pytest.mark.django_db
def test_list_and_detail(reports: Reports, client: Client) -> None:
    token = reports.token("standing")
    response = get(client, "reports/", token)
    assert ids(response) == reports.sent and response.json()["count"] == 4
    listed = {row["id"]: row for row in response.json()["results"]}
    # the list gives the counts, not the task lines
    assert listed[reports.justice.pk]["figures"]["totals"]["total"] == 1
    assert all("tasks" not in area for row in listed.values() for area in row["figures"]["areas"])

    detail = get(client, f"reports/{reports.justice.pk}/", token).json()
    assert (detail["scope"], detail["agency"], detail["agency_name"], detail["version"], detail["previous"]) == (
        "agency", reports.agencies["justice"].pk, "Sở Tư pháp", 1, None)
    assert detail["period"] == {"id": reports.quarter.pk, "name": "Quý I/2025", "data_from": "2024-12-15",
                                "data_to": "2025-03-14", "submit_by": "2025-03-14", "plan": reports.plan.pk}
    assert detail["number"] == "15/BC-STP"
    assert detail["proposals"] == "Đề nghị Bộ Tư pháp sớm ban hành hướng dẫn."
    assert all(detail[name] == getattr(reports.justice, name) for name in NARRATIVE_FIELDS)
    assert detail["approved_by_name"] == "lanhdao" and detail["submitted_at"]
    assert detail["late"] is True  # sent after 14/03/2025
    assert get(client, f"reports/{reports.justice_year.pk}/", token).json()["late"] is False
    figures = detail["figures"]
    assert figures["scope"] == "agency" and figures["agency_name"] == "Sở Tư pháp"
    assert (figures["period_name"], figures["as_of"]) == ("Quý I/2025", "2025-03-14")
    assert figures["totals"] == {"done_on_time": 0, "done_late": 0, "in_progress": 0, "not_started": 1,
                                 "overdue": 0, "stopped": 0, "total": 1}  # the update of the task came after
    [area] = figures["areas"]
    assert area["area"] == "the_che" and area["name"] == "Cải cách thể chế" and area["counts"]["total"] == 1
    [line] = area["tasks"]
    assert line["task_id"] == reports.task.pk and line["lead"] == "Sở Tư pháp" and line["due_date"] == "2025-06-30"
    assert figures["targets"][0]["value"] == "98" and figures["agencies"] == []

    aggregate = get(client, f"reports/{reports.province_report.pk}/", token).json()
    assert aggregate["scope"] == "province" and aggregate["agency"] == reports.agencies["province"].pk
    assert aggregate["figures"]["totals"]["total"] == 2  # both tasks of the province's plan
    lines = {line["name"]: line for line in aggregate["figures"]["agencies"]}
    assert set(lines) == {"Sở Tư pháp", "Sở Nội vụ"}
    assert lines["Sở Tư pháp"]["report_id"] == reports.justice.pk and lines["Sở Tư pháp"]["late"] is True
    assert lines["Sở Tư pháp"]["report_state"] == "submitted" and lines["Sở Tư pháp"]["counts"]["total"] == 1
    assert lines["Sở Nội vụ"]["report_id"] is None and lines["Sở Nội vụ"]["report_state"] == ""


@pytest.mark.django_db
def test_filters(reports: Reports, client: Client) -> None:
    token = reports.token("admin")
    quarter = {reports.justice.pk, reports.finance.pk, reports.province_report.pk}
    assert ids(get(client, "reports/", token, period=reports.quarter.pk)) == quarter
    assert ids(get(client, "reports/", token, period=reports.year_period.pk)) == {reports.justice_year.pk}
    assert ids(get(client, "reports/", token, plan=reports.plan.pk)) == reports.sent
    assert ids(get(client, "reports/", token, plan=reports.finance_plan.pk)) == set()
    assert ids(get(client, "reports/", token, agency=reports.agencies["justice"].pk)) == {
        reports.justice.pk, reports.justice_year.pk}
    assert ids(get(client, "reports/", token, year=2025)) == reports.sent
    assert ids(get(client, "reports/", token, year=2024)) == set()
    assert ids(get(client, "reports/", token, scope="province")) == {reports.province_report.pk}
    assert ids(get(client, "reports/", token, scope="agency", period=reports.quarter.pk)) == {
        reports.justice.pk, reports.finance.pk}
    assert ids(get(client, "reports/", token, submitted_since="2000-01-01")) == reports.sent
    assert ids(get(client, "reports/", token, submitted_since="2999-01-01T00:00:00+07:00")) == set()
    Report.objects.filter(pk=reports.finance.pk).update(submitted_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert reports.finance.pk not in ids(get(client, "reports/", token, submitted_since=since))
    for bad in ({"scope": "tinh"}, {"submitted_since": "hôm qua"}, {"period": "một"}, {"year": "x"}):
        response = get(client, "reports/", token, **bad)
        assert response.status_code == 400 and set(response.json()) == set(bad), bad


@pytest.mark.django_db
def test_a_draft_is_never_listed(reports: Reports, client: Client) -> None:
    draft = reports.correction
    assert draft.state == Report.State.DRAFT and draft.previous_id == reports.justice.pk
    for role in ("standing", "focal", "leader"):
        token = reports.token(role)
        assert draft.pk not in ids(get(client, "reports/", token)), role
        assert get(client, f"reports/{draft.pk}/", token).status_code == 404, role
    report_services.send_for_approval(draft, actor=reports.users["focal"])  # awaiting approval: not sent either
    assert draft.pk not in ids(get(client, "reports/", reports.token("standing")))
    # once the leader sends it, the correction is listed beside the version it corrects
    report_services.approve_and_submit(draft, actor=reports.users["leader"], today=CUT_OFF)
    token = reports.token("focal")
    assert ids(get(client, "reports/", token, period=reports.quarter.pk)) == {reports.justice.pk, draft.pk}
    sent = get(client, f"reports/{draft.pk}/", token).json()
    assert (sent["version"], sent["previous"]) == (2, reports.justice.pk)


@pytest.mark.django_db
def test_an_agencys_token_reads_only_its_agencys_reports(reports: Reports, client: Client) -> None:
    justice = {reports.justice.pk, reports.justice_year.pk}
    for role in ("focal", "leader"):
        token = reports.token(role)
        assert ids(get(client, "reports/", token)) == justice, role
        assert ids(get(client, "reports/", token, agency=reports.agencies["finance"].pk)) == set(), role
        for other in (reports.finance, reports.province_report):
            assert get(client, f"reports/{other.pk}/", token).status_code == 404, role
    for role in ("viewer", "other_focal"):  # Sở Tài chính
        token = reports.token(role)
        assert ids(get(client, "reports/", token)) == {reports.finance.pk}, role
        assert get(client, f"reports/{reports.finance.pk}/", token).status_code == 200, role
        assert get(client, f"reports/{reports.justice.pk}/", token).status_code == 404, role
    # a user without an agency reads none
    user = reports.users["other_focal"]
    user.agency = None
    user.save()
    assert ids(get(client, "reports/", reports.token("other_focal"))) == set()


@pytest.mark.django_db
def test_unauthenticated_gets_401(reports: Reports, client: Client) -> None:
    for path in ("reports/", f"reports/{reports.justice.pk}/"):
        assert get(client, path).status_code == 401, path
        assert get(client, path, token="0" * 40).status_code == 401, path
    headers = {"Authorization": f"Token {reports.token('admin')}"}
    assert client.post(f"{API}reports/", {}, headers=headers).status_code == 405
    assert client.delete(f"{API}reports/{reports.justice.pk}/", headers=headers).status_code == 405
