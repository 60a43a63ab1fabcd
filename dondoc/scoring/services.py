"""Writes of the scoring lifecycle: install and copy frameworks, edit their criteria, self-assess with evidence,
submit, appraise leaf by leaf, return or finalise, publish; and the year's task-grading rule.

Every write is atomic and audited; a published framework's assessments are locked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dondoc.agencies.models import Agency
from dondoc.audit import services as audit
from dondoc.tracking.services import check_evidence_file

from . import rules
from .frameworks import FrameworkSpec, Node
from .models import Assessment, Criterion, Framework, GradeRule, Rule, Score, ScoreFile

# --- frameworks ---------------------------------------------------------------------------------------------------


def _create_nodes(framework: Framework, nodes: Iterable[Node], parent: Criterion | None, order: list[int]) -> None:
    for node in nodes:
        order[0] += 1
        criterion = Criterion.objects.create(
            framework=framework, parent=parent, code=node.code, title=node.title, max_points=node.max_points,
            order=order[0], depth=node.depth, rule="" if node.children else node.rule, params=node.params,
            guide=node.guide, evidence_hint=node.evidence_hint, may_be_na=node.may_be_na,
            self_assessed=node.self_assessed and node.rule != Rule.SURVEY)
        _create_nodes(framework, node.children, criterion, order)


@transaction.atomic
def install_framework(spec: FrameworkSpec, *, year: int | None = None, actor: Any) -> Framework:
    """A shipped (or uploaded) framework as records for one assessment year."""
    year = year or spec.year
    if Framework.objects.filter(code=spec.code, year=year).exists():
        raise ValidationError(f"Bộ chỉ số “{spec.name}” năm {year} đã có.")
    framework = Framework.objects.create(
        code=spec.code, name=spec.name, year=year, level=spec.level, source=spec.source, notes=spec.notes,
        total_points=spec.total_points, survey_points=spec.survey_points)
    _create_nodes(framework, spec.areas, None, [0])
    audit.record(actor, "scoring.framework_installed", framework, summary=f"{framework.name} ({year})")
    return framework


@transaction.atomic
def copy_framework(source: Framework, *, year: int, name: str = "", level: str = "", actor: Any) -> Framework:
    """A new year's (or another level's) framework with the same criteria, to be edited without code."""
    code = source.code if (year != source.year) else f"{source.code}-{level or 'ban-sao'}"
    if Framework.objects.filter(code=code, year=year).exists():
        raise ValidationError(f"Năm {year} đã có bộ chỉ số mã “{code}”.")
    framework = Framework.objects.create(
        code=code, name=name.strip() or source.name, year=year, level=level or source.level, source=source.source,
        notes=source.notes, total_points=source.total_points, survey_points=source.survey_points,
        copied_from=source)
    new_of: dict[int, Criterion] = {}
    for old in source.criteria.order_by("depth", "order"):
        new_of[old.pk] = Criterion.objects.create(
            framework=framework, parent=new_of.get(old.parent_id), code=old.code, title=old.title,
            max_points=old.max_points, order=old.order, depth=old.depth, rule=old.rule, params=old.params,
            guide=old.guide, evidence_hint=old.evidence_hint, may_be_na=old.may_be_na,
            self_assessed=old.self_assessed)
    audit.record(actor, "scoring.framework_copied", framework,
                 summary=f"{framework.name} ({year}) sao chép từ {source.name} ({source.year})")
    return framework


def _check_editable(framework: Framework) -> None:
    from . import selectors

    if not selectors.is_editable(framework):
        raise ValidationError("Đã có cơ quan gửi bản tự chấm theo bộ chỉ số này: không sửa được nữa. "
                              "Hãy sao chép thành bộ mới để sửa.")


def _resum(framework: Framework) -> None:
    """Parents' maxima and the framework's totals from the leaves, after an edit."""
    criteria = list(framework.criteria.all())
    children: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)

    def total(criterion: Criterion) -> Decimal:
        below = children.get(criterion.pk)
        if not below:
            return criterion.max_points
        value = sum((total(child) for child in below), Decimal(0))
        if value != criterion.max_points:
            criterion.max_points = value
            criterion.save(update_fields=["max_points"])
        return value

    framework.total_points = sum((total(area) for area in children.get(None, [])), Decimal(0))
    framework.survey_points = sum((c.max_points for c in criteria if c.rule == Rule.SURVEY), Decimal(0))
    framework.save(update_fields=["total_points", "survey_points"])


CRITERION_FIELDS = ("code", "title", "max_points", "rule", "params", "guide", "evidence_hint", "may_be_na",
                    "self_assessed")


@transaction.atomic
def save_criterion(criterion: Criterion, data: dict[str, Any], *, actor: Any) -> Criterion:
    """Edit one criterion; a leaf's maximum change flows up to its parents and the framework's total."""
    framework = Framework.objects.select_for_update().get(pk=criterion.framework_id)
    _check_editable(framework)
    before = {name: getattr(criterion, name) for name in CRITERION_FIELDS} if criterion.pk else {}
    is_leaf = not criterion.pk or not criterion.children.exists()
    for name in CRITERION_FIELDS:
        if name in data:
            setattr(criterion, name, data[name])
    if not is_leaf:
        criterion.rule, criterion.params = "", {}
    elif criterion.rule not in Rule.values:
        raise ValidationError("Tiêu chí không có mục con cần có cách chấm.")
    if criterion.rule == Rule.SURVEY:
        criterion.self_assessed = False
    if Criterion.objects.filter(framework=framework, code=criterion.code).exclude(pk=criterion.pk).exists():
        raise ValidationError(f"Mã {criterion.code} đã có trong bộ chỉ số.")
    criterion.framework = framework
    if criterion.parent_id and not criterion.pk:
        criterion.depth = criterion.parent.depth + 1
        criterion.parent.rule, criterion.parent.params = "", {}
        criterion.parent.save(update_fields=["rule", "params"])
    created = criterion.pk is None
    if created:
        criterion.order = (framework.criteria.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    criterion.save()
    if created and criterion.parent_id:
        _reorder_after(criterion)
    _resum(framework)
    _sync_scores(framework)
    after = {name: getattr(criterion, name) for name in CRITERION_FIELDS}
    audit.record(actor, "scoring.criterion_added" if created else "scoring.criterion_edited", criterion,
                 summary=f"{framework.name}: {criterion.code}",
                 changes=audit.diff({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in after.items()}))
    return criterion


def _reorder_after(criterion: Criterion) -> None:
    """A new sub-criterion goes after its parent's last descendant, keeping the tree in reading order."""
    framework = criterion.framework
    ordered = [c for c in framework.criteria.order_by("order") if c.pk != criterion.pk]
    subtree = {criterion.parent_id}
    insert_at = 0
    for index, other in enumerate(ordered):
        if other.pk in subtree or other.parent_id in subtree:
            subtree.add(other.pk)
            insert_at = index + 1
    ordered.insert(insert_at, criterion)
    for position, other in enumerate(ordered, start=1):
        if other.order != position:
            Criterion.objects.filter(pk=other.pk).update(order=position)


@transaction.atomic
def delete_criterion(criterion: Criterion, *, actor: Any) -> None:
    framework = Framework.objects.select_for_update().get(pk=criterion.framework_id)
    _check_editable(framework)
    ids = [criterion.pk]
    frontier = [criterion.pk]
    while frontier:
        frontier = list(Criterion.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    Score.objects.filter(criterion_id__in=ids).delete()
    summary = f"{framework.name}: {criterion.code} {criterion.title[:80]}"
    parent = criterion.parent
    Criterion.objects.filter(pk__in=ids).delete()
    if parent is not None and not parent.children.exists():
        parent.rule = Rule.MANUAL
        parent.save(update_fields=["rule"])
    _resum(framework)
    _sync_scores(framework)
    audit.record(actor, "scoring.criterion_deleted", framework, summary=summary)


def _sync_scores(framework: Framework) -> None:
    """Draft scorecards follow an edited tree: a score row per leaf, none for a criterion that became a parent."""
    leaf_ids = set(framework.criteria.exclude(rule="").values_list("pk", flat=True))
    for assessment in framework.assessments.all():
        assessment.scores.exclude(criterion_id__in=leaf_ids).delete()
        have = set(assessment.scores.values_list("criterion_id", flat=True))
        Score.objects.bulk_create([Score(assessment=assessment, criterion_id=pk) for pk in sorted(leaf_ids - have)])
        recompute_totals(assessment)


# --- assessments --------------------------------------------------------------------------------------------------

def leaves(framework: Framework) -> list[Criterion]:
    return [c for c in framework.criteria.order_by("order") if c.rule]


@transaction.atomic
def start_assessment(framework: Framework, agency: Agency, *, actor: Any, today: date | None = None) -> Assessment:
    """The agency's scorecard (made once), with a score row per leaf and the points dondoc can draft from data."""
    if agency.is_group:
        raise ValidationError("Chỉ chấm điểm một cơ quan, không chấm một nhóm.")
    assessment, created = Assessment.objects.get_or_create(framework=framework, agency=agency)
    existing = set(assessment.scores.values_list("criterion_id", flat=True))
    Score.objects.bulk_create([Score(assessment=assessment, criterion=leaf)
                               for leaf in leaves(framework) if leaf.pk not in existing])
    if created:
        audit.record(actor, "scoring.assessment_started", assessment, summary=str(assessment))
    if not assessment.locked_for_agency:
        draft_from_data(assessment, today=today)
    return assessment


def draft_from_data(assessment: Assessment, *, today: date | None = None) -> None:
    """Fill the points of metric and task leaves from dondoc's own data; an agency's own entry is never overwritten
    (the computed figure stays beside it)."""
    from . import selectors

    today = today or timezone.localdate()
    scores = list(assessment.scores.select_related("criterion"))
    metric_values = selectors.metric_values(assessment.agency, assessment.framework.year, today) if any(
        s.criterion.rule == Rule.METRIC for s in scores) else {}
    area_counts = selectors.area_completion(assessment.agency, assessment.framework.year, today) if any(
        s.criterion.rule == Rule.TASKS for s in scores) else {}
    for score in scores:
        criterion = score.criterion
        points, detail = None, ""
        if criterion.rule == Rule.METRIC:
            code = criterion.params.get("metric", "")
            value = metric_values.get(code)
            points = rules.points_from_metric(value, criterion.max_points, criterion.params)
            detail = (f"{selectors.metric_name(code)}: {selectors.number(value)}{selectors.metric_unit(code)} → "
                      f"{selectors.number(points)}/{selectors.number(criterion.max_points)} điểm"
                      if value is not None else f"{selectors.metric_name(code)}: chưa có số liệu")
        elif criterion.rule == Rule.TASKS:
            area = criterion.params.get("area", "")
            on_time, considered = area_counts.get(area, (0, 0))
            points = rules.points_from_tasks(criterion.max_points, on_time, considered)
            detail = (f"{on_time}/{considered} nhiệm vụ đến hạn hoàn thành đúng hạn → "
                      f"{selectors.number(points)}/{selectors.number(criterion.max_points)} điểm"
                      if considered else "Chưa có nhiệm vụ đến hạn")
        else:
            continue
        fields = ["computed_points", "computed_detail"]
        score.computed_points, score.computed_detail = points, detail[:400]
        if score.self_points is None and points is not None and criterion.self_assessed:
            score.self_points = points
            fields.append("self_points")
        score.save(update_fields=fields)
    recompute_totals(assessment)


def recompute_totals(assessment: Assessment) -> None:
    self_total = final_total = max_total = Decimal(0)
    for score in assessment.scores.select_related("criterion"):
        if score.not_applicable:
            continue
        max_total += score.criterion.max_points
        self_total += score.self_points or Decimal(0)
        final_total += score.final_points or Decimal(0)
    assessment.self_total, assessment.final_total = rules.quantize(self_total), rules.quantize(final_total)
    assessment.max_total = rules.quantize(max_total)
    assessment.index = rules.index_percent(final_total, max_total)
    assessment.save(update_fields=["self_total", "final_total", "max_total", "index", "updated_at"])


def parse_points(raw: Any, criterion: Criterion) -> Decimal | None:
    """Points typed by an officer ("0,5", "1") within 0..the leaf's maximum; blank gives None."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValidationError(f"Tiêu chí {criterion.code}: “{raw}” không phải là số điểm.") from error
    if not value.is_finite() or value < 0 or value > criterion.max_points:
        raise ValidationError(f"Tiêu chí {criterion.code}: điểm phải từ 0 đến "
                              f"{str(criterion.max_points).rstrip('0').rstrip('.')}.")
    return rules.quantize(value)


def _locked_score(score: Score) -> tuple[Score, Assessment]:
    assessment = Assessment.objects.select_for_update().get(pk=score.assessment_id)
    score = Score.objects.select_related("criterion").get(pk=score.pk)
    return score, assessment


@transaction.atomic
def save_self_score(score: Score, *, actor: Any, points: Any, note: str = "", not_applicable: bool = False,
                    na_reason: str = "", evidence_ids: Iterable[int] = ()) -> Score:
    """The agency's points, explanation and evidence for one leaf, while its scorecard is with the agency."""
    from . import selectors

    score, assessment = _locked_score(score)
    criterion = score.criterion
    if assessment.locked_for_agency:
        raise ValidationError("Bản chấm điểm đã gửi Hội đồng thẩm định: không sửa được.")
    if not criterion.self_assessed:
        raise ValidationError(f"Tiêu chí {criterion.code} do Hội đồng thẩm định chấm, cơ quan không tự chấm.")
    if not_applicable and not criterion.may_be_na:
        raise ValidationError(f"Tiêu chí {criterion.code} áp dụng với mọi cơ quan.")
    if not_applicable and not na_reason.strip():
        raise ValidationError(f"Tiêu chí {criterion.code}: cần nêu lý do không áp dụng.")
    allowed = set(selectors.agency_evidence(assessment.agency, assessment.framework.year).values_list("pk", flat=True))
    chosen = {int(pk) for pk in evidence_ids}
    if chosen - allowed:
        raise ValidationError("Tài liệu kiểm chứng phải là tài liệu của nhiệm vụ của cơ quan trong năm đánh giá.")
    before = {"points": str(score.self_points), "note": score.self_note, "na": score.not_applicable,
              "evidence": sorted(score.evidence.values_list("pk", flat=True))}
    score.self_points = None if not_applicable else parse_points(points, criterion)
    score.self_note = note.strip()
    score.not_applicable, score.na_reason = not_applicable, na_reason.strip()[:300] if not_applicable else ""
    score.save()
    score.evidence.set(sorted(chosen))
    recompute_totals(assessment)
    after = {"points": str(score.self_points), "note": score.self_note, "na": score.not_applicable,
             "evidence": sorted(chosen)}
    audit.record(actor, "scoring.self_scored", score, summary=f"{assessment.agency}: {criterion.code}",
                 changes=audit.diff(before, after))
    return score


@transaction.atomic
def attach_file(score: Score, upload: UploadedFile, *, actor: Any) -> ScoreFile:
    score, assessment = _locked_score(score)
    if assessment.locked_for_agency:
        raise ValidationError("Bản chấm điểm đã gửi Hội đồng thẩm định: không thêm tài liệu được.")
    digest = check_evidence_file(upload)
    item = ScoreFile.objects.create(score=score, file=upload, original_name=(upload.name or "")[:255],
                                    size=upload.size or 0, sha256=digest, uploaded_by=actor)
    audit.record(actor, "scoring.file_attached", score, summary=f"{score.criterion.code}: {item.original_name}")
    return item


@transaction.atomic
def remove_file(item: ScoreFile, *, actor: Any) -> None:
    score, assessment = _locked_score(item.score)
    if assessment.locked_for_agency:
        raise ValidationError("Bản chấm điểm đã gửi Hội đồng thẩm định: không bỏ tài liệu được.")
    audit.record(actor, "scoring.file_removed", score, summary=f"{score.criterion.code}: {item.original_name}")
    item.file.delete(save=False)
    item.delete()


def missing_self_scores(assessment: Assessment) -> list[str]:
    return [s.criterion.code for s in assessment.scores.select_related("criterion").order_by("criterion__order")
            if s.criterion.self_assessed and not s.not_applicable and s.self_points is None]


@transaction.atomic
def submit(assessment: Assessment, *, actor: Any) -> Assessment:
    """The agency's leader sends the self-assessment to the appraisal council."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.locked_for_agency:
        raise ValidationError("Bản chấm điểm đã được gửi.")
    missing = missing_self_scores(assessment)
    if missing:
        raise ValidationError("Chưa tự chấm các tiêu chí: " + ", ".join(missing[:20]) + (" …" if len(missing) > 20
                                                                                         else "") + ".")
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_by, assessment.submitted_at = actor, timezone.now()
    assessment.version += 1
    assessment.save()
    audit.record(actor, "scoring.submitted", assessment, summary=str(assessment),
                 changes={"self_total": str(assessment.self_total)})
    return assessment


@transaction.atomic
def appraise(score: Score, *, actor: Any, points: Any, comment: str = "", not_applicable: bool | None = None
             ) -> Score:
    """The council's points for one leaf; a change from the agency's points needs a comment, which the agency
    reads. Survey leaves are entered here too."""
    score, assessment = _locked_score(score)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError("Chỉ thẩm định bản chấm điểm đã gửi và chưa chốt.")
    criterion = score.criterion
    if not_applicable is not None and not_applicable != score.not_applicable:
        if not_applicable and not criterion.may_be_na:
            raise ValidationError(f"Tiêu chí {criterion.code} áp dụng với mọi cơ quan.")
        score.not_applicable = not_applicable
    value = None if score.not_applicable else parse_points(points, criterion)
    comment = comment.strip()
    changed = value is not None and score.self_points is not None and value != score.self_points
    if changed and not comment:
        raise ValidationError(f"Tiêu chí {criterion.code}: điểm thẩm định khác điểm tự chấm cần có ý kiến.")
    before = {"points": str(score.appraised_points), "comment": score.appraisal_comment}
    score.appraised_points, score.appraisal_comment = value, comment
    score.save()
    recompute_totals(assessment)
    audit.record(actor, "scoring.appraised", score, summary=f"{assessment.agency}: {criterion.code}",
                 changes=audit.diff(before, {"points": str(value), "comment": comment}))
    return score


def missing_final_scores(assessment: Assessment) -> list[str]:
    return [s.criterion.code for s in assessment.scores.select_related("criterion").order_by("criterion__order")
            if not s.not_applicable and s.final_points is None]


@transaction.atomic
def return_assessment(assessment: Assessment, *, actor: Any, note: str) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError("Chỉ trả lại bản chấm điểm đang chờ thẩm định.")
    if not note.strip():
        raise ValidationError("Cần ghi rõ nội dung cần bổ sung.")
    assessment.status, assessment.council_note = Assessment.Status.RETURNED, note.strip()
    assessment.version += 1
    assessment.save()
    audit.record(actor, "scoring.returned", assessment, summary=str(assessment), changes={"note": note.strip()})
    return assessment


@transaction.atomic
def finalise(assessment: Assessment, *, actor: Any, note: str = "") -> Assessment:
    """The council closes its appraisal: every applicable leaf has final points (survey ones included)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError("Chỉ chốt bản chấm điểm đang chờ thẩm định.")
    missing = missing_final_scores(assessment)
    if missing:
        raise ValidationError("Chưa có điểm các tiêu chí: " + ", ".join(missing[:20])
                              + (" …" if len(missing) > 20 else "") + ".")
    recompute_totals(assessment)
    assessment.status = Assessment.Status.FINALISED
    assessment.finalised_by, assessment.finalised_at = actor, timezone.now()
    if note.strip():
        assessment.council_note = note.strip()
    assessment.version += 1
    assessment.save()
    audit.record(actor, "scoring.finalised", assessment, summary=str(assessment),
                 changes={"final_total": str(assessment.final_total), "index": str(assessment.index)})
    return assessment


@transaction.atomic
def reopen(assessment: Assessment, *, actor: Any) -> Assessment:
    """Take back a finalisation before publication (the council found a mistake)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.FINALISED:
        raise ValidationError("Chỉ mở lại bản đã thẩm định, chưa công bố.")
    assessment.status = Assessment.Status.SUBMITTED
    assessment.version += 1
    assessment.save()
    audit.record(actor, "scoring.reopened", assessment, summary=str(assessment))
    return assessment


@transaction.atomic
def publish(framework: Framework, *, actor: Any, decision: str = "") -> int:
    """Publish the framework's appraised results: they lock and enter the rankings. Returns how many."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    finalised = framework.assessments.filter(status=Assessment.Status.FINALISED)
    count = finalised.count()
    if not count:
        raise ValidationError("Chưa có bản chấm điểm nào đã thẩm định để công bố.")
    finalised.update(status=Assessment.Status.PUBLISHED, updated_at=timezone.now())
    framework.published_at, framework.published_by = timezone.now(), actor
    framework.decision = decision.strip()[:200]
    framework.save(update_fields=["published_at", "published_by", "decision"])
    audit.record(actor, "scoring.published", framework, summary=f"{framework.name} ({framework.year}): {count} cơ quan",
                 changes={"decision": framework.decision})
    return count


# --- task-completion grading --------------------------------------------------------------------------------------

@transaction.atomic
def save_grade_rule(year: int, *, actor: Any, weights: rules.Weights, bands: list[dict[str, Any]]) -> GradeRule:
    problems = rules.check_bands(bands)
    for name in ("on_time", "excused", "late", "not_done"):
        if not Decimal(0) <= getattr(weights, name) <= Decimal(1):
            problems.append("Hệ số phải từ 0 đến 1.")
            break
    if problems:
        raise ValidationError(problems)
    rule, _ = GradeRule.objects.select_for_update().get_or_create(year=year)
    before = {"weights": [str(rule.weight_on_time), str(rule.weight_excused), str(rule.weight_late),
                          str(rule.weight_not_done)], "bands": rule.bands}
    rule.weight_on_time, rule.weight_excused = weights.on_time, weights.excused
    rule.weight_late, rule.weight_not_done = weights.late, weights.not_done
    rule.bands = sorted(({"min": float(b["min"]), "label": str(b["label"]).strip()} for b in bands),
                        key=lambda b: b["min"], reverse=True)
    rule.save()
    audit.record(actor, "scoring.grade_rule_saved", rule, summary=f"Xếp loại hoàn thành nhiệm vụ năm {year}",
                 changes=audit.diff(before, {"weights": [str(weights.on_time), str(weights.excused),
                                                         str(weights.late), str(weights.not_done)],
                                             "bands": rule.bands}))
    return rule


@transaction.atomic
def appraise_sheet(assessment: Assessment, entries: dict[int, tuple[str, str]], *, actor: Any) -> int:
    """The council's whole sheet at once ({score id: (points, comment)}): all of it is saved, or none (one bad line
    raises). Unchanged lines are skipped. Returns how many leaves changed."""
    changed = 0
    for score in assessment.scores.select_related("criterion").order_by("criterion__order"):
        if score.pk not in entries:
            continue
        raw, comment = entries[score.pk]
        if raw.strip() == rules.number_text(score.appraised_points) and comment.strip() == score.appraisal_comment:
            continue
        appraise(score, actor=actor, points=raw, comment=comment)
        changed += 1
    return changed
