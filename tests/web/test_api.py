"""The read-only API for the provincial reporting information system: its schema, every endpoint with a token,
and who sees what (accounts.policy.visible_task_filter / visible_plan_filter)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import Milestone, Plan, Status, Task
from dondoc.plans.services import store_plan
from dondoc.tracking import services as tracking_services
from dondoc.tracking.models import ProgressUpdate

from .conftest import sample_plan_json

API = "/api/v1/"
ENDPOINTS = ("plans", "tasks", "milestones", "progress-updates", "agencies", "reports")


class Province:
    """The province's plan (task 1: Sở Tư pháp leads, Sở Nội vụ coordinates; task 2: Sở Nội vụ leads) and
    Sở Tài chính's own plan (task 1: Sở Tài chính leads), with a progress update and its evidence on each first
    task."""

    def __init__(self, users: dict[str, Any], agencies: dict[str, Agency]) -> None:
        self.users, self.agencies = users, agencies

        def resolve(name: str) -> Agency:
            return agency_services.ensure(name, actor=users["admin"])

        self.plan = store_plan(sample_plan_json(), resolve=resolve, owner=agencies["province"], actor=users["admin"])
        data = sample_plan_json(lead="Sở Tài chính")
        data["document"] = {**data["document"], "number": "5/KH-STC", "issuer": "Sở Tài chính", "plan_year": 2024,
                            "title": "Kế hoạch cải cách hành chính năm 2024 của Sở Tài chính"}
        self.finance_plan = store_plan(data, resolve=resolve, owner=agencies["finance"], actor=users["admin"])
        self.task = self.plan.tasks.order_by("order").first()
        self.home_task = self.plan.tasks.order_by("order").last()
        self.finance_task = self.finance_plan.tasks.order_by("order").first()
        pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        self.update = tracking_services.record_progress(
            self.task, actor=users["focal"], text="Đã lấy ý kiến các sở", progress=40, status=Status.IN_PROGRESS,
            evidence=[tracking_services.EvidenceInput(number="1/BC-STP", file=pdf)])
        self.finance_update = tracking_services.record_progress(
            self.finance_task, actor=users["other_focal"], text="Đang rà soát", progress=10,
            status=Status.IN_PROGRESS)

    def token(self, role: str) -> str:
        return Token.objects.get_or_create(user=self.users[role])[0].key


@pytest.fixture
def province(users: dict[str, Any], agencies: dict[str, Agency]) -> Province:
    return Province(users, agencies)


def get(client: Client, path: str, token: str | None = None, **params: Any) -> Any:
    headers = {"Authorization": f"Token {token}"} if token else {}
    return client.get(API + path, params, headers=headers)


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- the schema ------------------------------------------------------------------------------------------------

def test_schema_is_published_and_valid(client: Client) -> None:
    response = client.get(API + "schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI document
    assert schema["info"]["title"] == "dondoc API" and schema["info"]["version"] == "1"
    for name in ENDPOINTS:
        assert f"{API}{name}/" in schema["paths"] and f"{API}{name}/{{id}}/" in schema["paths"], name
        assert set(schema["paths"][f"{API}{name}/"]) == {"get"}, name  # read-only
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    yaml = client.get(API + "schema/")
    assert yaml.status_code == 200 and b"openapi:" in yaml.content


def test_schema_generates_without_warnings(tmp_path: Any) -> None:
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text("utf-8").startswith("openapi:")


# --- every endpoint, list and detail, with a token ------------------------------------------------------------

@pytest.mark.django_db
def test_anonymous_and_wrong_token_get_401(province: Province, client: Client) -> None:
    for name in ENDPOINTS:
        assert get(client, f"{name}/").status_code == 401, name
        assert get(client, f"{name}/", token="0" * 40).status_code == 401, name
    assert get(client, f"tasks/{province.task.pk}/").status_code == 401
    assert get(client, f"agencies/{province.agencies['justice'].pk}/").status_code == 401


def test_plans(province: Province, client: Client) -> None:
    token = province.token("standing")
    response = get(client, "plans/", token)
    assert response.json()["count"] == 2 and ids(response) == {province.plan.pk, province.finance_plan.pk}
    detail = get(client, f"plans/{province.plan.pk}/", token).json()
    assert detail["number"] == "12/KH-UBND" and detail["year"] == 2025 and detail["task_count"] == 2
    assert detail["owner"] == province.agencies["province"].pk and detail["owner_name"].startswith("Ủy ban")
    assert "source_file" not in detail
    assert ids(get(client, "plans/", token, year=2024)) == {province.finance_plan.pk}
    assert ids(get(client, "plans/", token, agency=province.agencies["finance"].pk)) == {province.finance_plan.pk}
    assert ids(get(client, "plans/", token, updated_since="2999-01-01")) == set()
    assert get(client, "plans/", token, year="hai nghìn").status_code == 400


def test_tasks(province: Province, client: Client) -> None:
    token = province.token("admin")
    assert len(ids(get(client, "tasks/", token))) == 4
    detail = get(client, f"tasks/{province.task.pk}/", token).json()
    assert detail["plan"] == province.plan.pk
    assert detail["content"] == "Rà soát văn bản quy phạm pháp luật của tỉnh"
    assert (detail["lead_text"], detail["coordinating_text"], detail["deadline_text"]) == (
        "Sở Tư pháp", "Sở Nội vụ", "Quý II/2025")
    assert [a["name"] for a in detail["lead_agencies"]] == ["Sở Tư pháp"]
    assert [a["name"] for a in detail["coordinating_agencies"]] == ["Sở Nội vụ"]
    assert (detail["status"], detail["progress"], detail["due_date"], detail["completed_on"]) == (
        Status.IN_PROGRESS, 40, "2025-06-30", None)
    assert detail["section"]["area"] == "the_che"
    # filters: plan, agency (lead or coordinating), status, year, updated since
    assert ids(get(client, "tasks/", token, plan=province.finance_plan.pk)) == set(
        province.finance_plan.tasks.values_list("pk", flat=True))
    assert ids(get(client, "tasks/", token, agency=province.agencies["justice"].pk)) == {province.task.pk}
    home = ids(get(client, "tasks/", token, agency=province.agencies["home"].pk))
    assert {province.task.pk, province.home_task.pk, province.finance_task.pk} <= home
    assert ids(get(client, "tasks/", token, status=Status.IN_PROGRESS)) == {province.task.pk, province.finance_task.pk}
    assert ids(get(client, "tasks/", token, year=2024)) == set(province.finance_plan.tasks.values_list("pk", flat=True))
    assert ids(get(client, "tasks/", token, updated_since="2000-01-01")) == {province.task.pk, province.finance_task.pk}
    assert ids(get(client, "tasks/", token, updated_since="2999-01-01T00:00:00+07:00")) == set()
    assert get(client, "tasks/", token, status="xong").status_code == 400
    assert get(client, "tasks/", token, updated_since="hôm qua").status_code == 400


def test_milestones(province: Province, client: Client) -> None:
    token = province.token("standing")
    listed = ids(get(client, "milestones/", token))
    assert listed == set(Milestone.objects.values_list("pk", flat=True))
    due = Milestone.objects.get(task=province.task, kind=Milestone.Kind.DUE)
    detail = get(client, f"milestones/{due.pk}/", token).json()
    assert (detail["task"], detail["kind"], detail["due_date"]) == (province.task.pk, "due", "2025-06-30")
    assert ids(get(client, "milestones/", token, task=province.task.pk)) == set(
        province.task.milestones.values_list("pk", flat=True))
    assert ids(get(client, "milestones/", token, plan=province.finance_plan.pk)) == set(
        Milestone.objects.filter(task__plan=province.finance_plan).values_list("pk", flat=True))


def test_progress_updates_carry_evidence_metadata_not_files(province: Province, client: Client) -> None:
    token = province.token("standing")
    assert ids(get(client, "progress-updates/", token)) == {province.update.pk, province.finance_update.pk}
    detail = get(client, f"progress-updates/{province.update.pk}/", token).json()
    assert (detail["task"], detail["kind"], detail["progress"], detail["status"]) == (
        province.task.pk, ProgressUpdate.Kind.PROGRESS, 40, Status.IN_PROGRESS)
    assert detail["agency_name"] == "Sở Tư pháp" and detail["author_name"] == "daumoi"
    [evidence] = detail["evidence"]
    assert evidence["number"] == "1/BC-STP" and evidence["has_file"] and evidence["original_name"] == "bao-cao.pdf"
    assert "file" not in evidence and "/files/" not in str(detail)
    assert ids(get(client, "progress-updates/", token, task=province.finance_task.pk)) == {province.finance_update.pk}
    assert ids(get(client, "progress-updates/", token, updated_since="2999-01-01")) == set()


def test_agencies_are_read_by_everyone(province: Province, client: Client) -> None:
    token = province.token("viewer")
    listed = ids(get(client, "agencies/", token))
    assert set(Agency.objects.values_list("pk", flat=True)) == listed
    justice = province.agencies["justice"]
    detail = get(client, f"agencies/{justice.pk}/", token).json()
    assert detail["name"] == "Sở Tư pháp" and detail["parent"] == province.agencies["province"].pk


def test_pagination_and_read_only(province: Province, client: Client) -> None:
    token = province.token("admin")
    page = get(client, "tasks/", token, limit=1, offset=1).json()
    assert page["count"] == 4 and len(page["results"]) == 1 and page["next"] and page["previous"]
    headers = {"Authorization": f"Token {token}"}
    for name in ENDPOINTS:
        assert client.post(f"{API}{name}/", {}, headers=headers).status_code == 405, name
    assert client.delete(f"{API}tasks/{province.task.pk}/", headers=headers).status_code == 405
    assert Task.objects.filter(pk=province.task.pk).exists()


def test_session_works_too(province: Province, client: Client) -> None:
    client.force_login(province.users["focal"])
    assert ids(client.get(API + "tasks/")) == {province.task.pk}


# --- who sees what ---------------------------------------------------------------------------------------------

def test_an_agencys_token_reads_only_what_its_agency_may_see(province: Province, client: Client) -> None:
    finance = province.token("viewer")  # a viewer of Sở Tài chính
    justice = province.token("focal")  # Sở Tư pháp's focal officer
    finance_tasks = {province.finance_task.pk}
    # tasks: led or coordinated by one's agency
    assert ids(get(client, "tasks/", finance)) == finance_tasks
    assert ids(get(client, "tasks/", justice)) == {province.task.pk}
    assert ids(get(client, "tasks/", province.token("other_focal"))) == finance_tasks
    assert ids(get(client, "tasks/", province.token("leader"))) == {province.task.pk}
    # an invisible record does not exist for the caller, whatever the filters say
    for path in (f"tasks/{province.task.pk}/", f"plans/{province.plan.pk}/",
                 f"progress-updates/{province.update.pk}/",
                 f"milestones/{province.task.milestones.first().pk}/"):
        assert get(client, path, finance).status_code == 404, path
    assert ids(get(client, "tasks/", finance, plan=province.plan.pk)) == set()
    assert ids(get(client, "tasks/", finance, agency=province.agencies["justice"].pk)) == set()
    assert get(client, f"tasks/{province.finance_task.pk}/", justice).status_code == 404
    # plans: owned by one's agency, or holding one of its tasks
    assert ids(get(client, "plans/", finance)) == {province.finance_plan.pk}
    assert ids(get(client, "plans/", justice)) == {province.plan.pk}
    # milestones and updates: those of the visible tasks
    assert ids(get(client, "milestones/", finance)) == set(
        Milestone.objects.filter(task__in=finance_tasks).values_list("pk", flat=True))
    assert ids(get(client, "progress-updates/", finance)) == {province.finance_update.pk}
    assert ids(get(client, "progress-updates/", justice)) == {province.update.pk}
    assert get(client, f"progress-updates/{province.update.pk}/", justice).json()["evidence"]
    # a plan its agency owns is visible even without its tasks
    empty = Plan.objects.create(title="Kế hoạch chưa có nhiệm vụ", owner=province.agencies["justice"], year=2025)
    assert empty.pk in ids(get(client, "plans/", justice))
    assert get(client, f"plans/{empty.pk}/", finance).status_code == 404
    # the coordinating agency sees the task too; the managers see everything
    home_viewer = province.users["viewer"]
    home_viewer.agency = province.agencies["home"]
    home_viewer.save()
    assert province.task.pk in ids(get(client, "tasks/", finance))
    assert len(ids(get(client, "tasks/", province.token("standing")))) == 4


def test_a_user_without_agency_or_inactive_sees_nothing(province: Province, client: Client) -> None:
    user = province.users["other_focal"]
    token = province.token("other_focal")
    user.agency = None
    user.save()
    assert ids(get(client, "tasks/", token)) == set() and ids(get(client, "plans/", token)) == set()
    user.is_active = False
    user.save()
    assert get(client, "tasks/", token).status_code == 401


# --- tokens ----------------------------------------------------------------------------------------------------

def test_api_token_command(users: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("api_token", "daumoi", stdout=out)
    key = out.getvalue().strip()
    assert key == Token.objects.get(user=users["focal"]).key
    again = io.StringIO()
    call_command("api_token", "daumoi", stdout=again)
    assert again.getvalue().strip() == key
    fresh = io.StringIO()
    call_command("api_token", "daumoi", "--regenerate", stdout=fresh)
    assert fresh.getvalue().strip() != key and not Token.objects.filter(key=key).exists()
    with pytest.raises(CommandError):
        call_command("api_token", "khong-co-ai")


def test_pages_are_bounded_and_big_records_come_twenty_at_a_time() -> None:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from dondoc.api.pagination import HeavyPages, Pages
    from dondoc.api.views import ReportViewSet, TargetViewSet, TaskViewSet

    def limit(pages: Pages, query: str) -> int | None:
        return pages.get_limit(Request(APIRequestFactory().get(f"/api/v1/x/{query}")))

    assert (limit(Pages(), ""), limit(Pages(), "?limit=10000"), limit(Pages(), "?limit=7")) == (100, 500, 7)
    assert (limit(HeavyPages(), ""), limit(HeavyPages(), "?limit=10000")) == (20, 100)
    assert ReportViewSet.pagination_class is HeavyPages and TargetViewSet.pagination_class is HeavyPages
    assert TaskViewSet().paginator.__class__ is Pages
