"""The self-assessment and appraisal pages: an agency scores its leaves with evidence and its leader submits; the
appraisal council (the standing agency) adjusts leaf by leaf with comments, returns or finalises, and publishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.accounts import policy
from dondoc.agencies.models import Agency

from . import rules, selectors, services
from .models import Assessment, Framework, Score, ScoreFile


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("framework", "agency"), pk=pk)
    if not policy.can_see_assessment(request.user, assessment.agency_id):
        raise Http404(_("Không tìm thấy bản chấm điểm."))  # another agency's scorecard does not exist for you
    return assessment


def _score(assessment: Assessment, score_pk: int) -> Score:
    return get_object_or_404(Score.objects.select_related("criterion"), pk=score_pk, assessment=assessment)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.can_read(user):
        raise PermissionDenied
    agency = user.agency if user.agency_id else None
    level = agency.level.code if agency and agency.level_id else ""
    mine = {a.framework_id: a for a in selectors.visible_assessments(user).filter(agency_id=user.agency_id)} \
        if agency else {}
    frameworks = list(selectors.frameworks())
    return render(request, "scoring/home.html", {
        "frameworks": frameworks, "own": [f for f in frameworks if f.level == level], "mine": mine,
        "agency": agency, "can_self_assess": agency is not None and policy.can_self_assess(user, agency.pk),
        "is_council": policy.can_appraise(user),
    })


@require_POST
def start(request: HttpRequest, framework_pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_pk)
    user = request.user
    agency_id = request.POST.get("agency") if policy.can_appraise(user) else user.agency_id
    agency = get_object_or_404(Agency, pk=agency_id) if agency_id else None
    if agency is None or not (policy.can_self_assess(user, agency.pk) or policy.can_appraise(user)):
        raise PermissionDenied(_("Chỉ cán bộ của cơ quan được tự chấm điểm cho cơ quan mình."))
    try:
        assessment = services.start_assessment(framework, agency, actor=user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("scoring_home")
    return redirect("assessment_detail", pk=assessment.pk)


def _permissions(user: Any, assessment: Assessment) -> dict[str, bool]:
    agency_turn = not assessment.locked_for_agency
    council_turn = assessment.status == Assessment.Status.SUBMITTED
    return {
        "can_self": agency_turn and policy.can_self_assess(user, assessment.agency_id),
        "can_submit": agency_turn and policy.can_submit_assessment(user, assessment.agency_id),
        "can_appraise": council_turn and policy.can_appraise(user),
        "can_reopen": assessment.status == Assessment.Status.FINALISED and policy.can_appraise(user),
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return render(request, "scoring/assessment.html", {
        "assessment": assessment, "rows": selectors.scorecard(assessment), "rules_text": rules,
        "missing": services.missing_self_scores(assessment) if not assessment.locked_for_agency else [],
        **_permissions(request.user, assessment),
    })


def leaf(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """One leaf: the agency's points, explanation and evidence (picked from suggestions or uploaded); the
    council's points and comment."""
    assessment = _assessment(request, pk)
    score = _score(assessment, score_pk)
    allowed = _permissions(request.user, assessment)
    if request.method == "POST":
        if not allowed["can_self"]:
            raise PermissionDenied(_("Bản chấm điểm đã gửi hoặc bạn không có quyền tự chấm."))
        try:
            services.save_self_score(
                score, actor=request.user, points=request.POST.get("points", ""),
                note=request.POST.get("note", ""), not_applicable=request.POST.get("not_applicable") == "on",
                na_reason=request.POST.get("na_reason", ""),
                evidence_ids=[int(v) for v in request.POST.getlist("evidence") if v.isdigit()])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã lưu điểm tự chấm tiêu chí %(code)s.") % {"code": score.criterion.code})
            return redirect(_next_leaf(assessment, score) or reverse("assessment_detail", args=[assessment.pk]))
    suggestions = selectors.suggest_evidence(assessment, score.criterion) if allowed["can_self"] else []
    chosen = set(score.evidence.values_list("pk", flat=True))
    return render(request, "scoring/leaf.html", {
        "assessment": assessment, "score": score, "criterion": score.criterion, "suggestions": suggestions,
        "chosen": chosen, "picked": score.evidence.select_related("update__task"), "files": score.files.all(),
        "path": _path(score), **allowed,
    })


def _path(score: Score) -> list[Any]:
    found, node = [], score.criterion.parent
    while node is not None:
        found.insert(0, node)
        node = node.parent
    return found


def _next_leaf(assessment: Assessment, score: Score) -> str | None:
    """After saving a leaf, the next one the agency scores itself (in reading order)."""
    following = (assessment.scores.filter(criterion__order__gt=score.criterion.order, criterion__self_assessed=True)
                 .order_by("criterion__order").values_list("pk", flat=True).first())
    return reverse("score_leaf", args=[assessment.pk, following]) if following else None


@require_POST
def appraise_leaf(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    score = _score(assessment, score_pk)
    if not policy.can_appraise(request.user):
        raise PermissionDenied(_("Chỉ Hội đồng thẩm định (cơ quan thường trực) chấm điểm thẩm định."))
    try:
        services.appraise(score, actor=request.user, points=request.POST.get("points", ""),
                          comment=request.POST.get("comment", ""),
                          not_applicable=request.POST.get("not_applicable") == "on")
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("score_leaf", pk=assessment.pk, score_pk=score.pk)
    messages.success(request, _("Đã lưu điểm thẩm định tiêu chí %(code)s.") % {"code": score.criterion.code})
    return redirect(reverse("assessment_detail", args=[assessment.pk]) + f"#s{score.pk}")


@require_POST
def appraise_all(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's sheet: every leaf's points and comment in one form (survey results are entered here)."""
    assessment = _assessment(request, pk)
    if not policy.can_appraise(request.user):
        raise PermissionDenied(_("Chỉ Hội đồng thẩm định (cơ quan thường trực) chấm điểm thẩm định."))
    entries = {score_pk: (request.POST.get(f"points-{score_pk}", ""), request.POST.get(f"comment-{score_pk}", ""))
               for score_pk in assessment.scores.values_list("pk", flat=True)
               if f"points-{score_pk}" in request.POST}
    try:
        changed = services.appraise_sheet(assessment, entries, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)  # nothing of the sheet is saved: it is one decision
        return redirect("assessment_detail", pk=assessment.pk)
    messages.success(request, _("Đã lưu điểm thẩm định của %(n)s tiêu chí.") % {"n": changed})
    return redirect("assessment_detail", pk=assessment.pk)


@require_POST
def upload(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    score = _score(assessment, score_pk)
    if not _permissions(request.user, assessment)["can_self"]:
        raise PermissionDenied(_("Bản chấm điểm đã gửi hoặc bạn không có quyền tự chấm."))
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, _("Chọn tệp tài liệu kiểm chứng."))
    else:
        try:
            services.attach_file(score, upload_file, actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": upload_file.name})
    return redirect("score_leaf", pk=assessment.pk, score_pk=score.pk)


def _file(assessment: Assessment, file_pk: int) -> ScoreFile:
    return get_object_or_404(ScoreFile.objects.select_related("score"), pk=file_pk, score__assessment=assessment)


def download(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """An uploaded evidence file, through this view only (never a public URL)."""
    item = _file(_assessment(request, pk), file_pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    return FileResponse(handle, as_attachment=True, filename=item.original_name or Path(item.file.name).name)


@require_POST
def remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    item = _file(assessment, file_pk)
    if not _permissions(request.user, assessment)["can_self"]:
        raise PermissionDenied(_("Bản chấm điểm đã gửi hoặc bạn không có quyền tự chấm."))
    try:
        services.remove_file(item, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("score_leaf", pk=assessment.pk, score_pk=item.score_id)


def _transition(request: HttpRequest, pk: int, allowed: str, run: Any, done: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not _permissions(request.user, assessment)[allowed]:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này ở bước hiện tại."))
    try:
        run(assessment)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("assessment_detail", pk=assessment.pk)


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "can_submit", lambda a: services.submit(a, actor=request.user),
                       _("Đã gửi bản tự chấm điểm đến Hội đồng thẩm định."))


@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "can_appraise",
                       lambda a: services.return_assessment(a, actor=request.user, note=request.POST.get("note", "")),
                       _("Đã trả lại bản chấm điểm để cơ quan bổ sung."))


@require_POST
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "can_appraise",
                       lambda a: services.finalise(a, actor=request.user, note=request.POST.get("note", "")),
                       _("Đã chốt kết quả thẩm định."))


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "can_reopen", lambda a: services.reopen(a, actor=request.user),
                       _("Đã mở lại để thẩm định tiếp."))


def council(request: HttpRequest, framework_pk: int) -> HttpResponse:
    """The council's board for one framework: every agency of its level, where its scorecard stands."""
    if not policy.can_appraise(request.user):
        raise PermissionDenied
    framework = get_object_or_404(Framework, pk=framework_pk)
    by_agency = {a.agency_id: a for a in selectors.assessments(framework)}
    agencies = list(Agency.objects.filter(is_group=False, level__code=framework.level).order_by("name"))
    agencies += [a.agency for a in by_agency.values() if a.agency not in agencies]
    rows = [(agency, by_agency.get(agency.pk)) for agency in agencies]
    counts = {status: sum(1 for _, a in rows if a and a.status == status) for status in Assessment.Status.values}
    return render(request, "scoring/council.html", {
        "framework": framework, "rows": rows, "counts": counts, "statuses": Assessment.Status,
        "not_started": sum(1 for _, a in rows if a is None),
    })


@require_POST
def publish(request: HttpRequest, framework_pk: int) -> HttpResponse:
    if not policy.can_appraise(request.user):
        raise PermissionDenied
    framework = get_object_or_404(Framework, pk=framework_pk)
    try:
        count = services.publish(framework, actor=request.user, decision=request.POST.get("decision", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã công bố kết quả của %(n)s cơ quan.") % {"n": count})
    return redirect("council_board", framework_pk=framework.pk)
