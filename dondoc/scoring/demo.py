"""Demo scoring over the seed plans: the shipped frameworks installed for the last two plan years; last year's
scorecards of every department (and district) self-scored, appraised and published, so rankings have a year-on-year
change; this year's started (Sở Tư pháp's drafted from its tasks and dossiers, a few others submitted).

Points are drawn from a generator seeded with the agency's name, and go through the same services officers use.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan

from . import frameworks, rules, services
from .models import Assessment, Framework


def _points(max_points: Decimal, rng: random.Random, strength: float) -> str:
    share = min(1.0, max(0.0, rng.gauss(strength, 0.15)))
    return rules.number_text(rules.quantize(max_points * Decimal(str(round(share * 4) / 4))))


def _score_all(assessment: Assessment, actor: Any, rng: random.Random, strength: float, *, appraise: bool) -> None:
    for score in assessment.scores.select_related("criterion").order_by("criterion__order"):
        criterion = score.criterion
        if criterion.self_assessed and score.self_points is None:
            services.save_self_score(score, actor=actor, points=_points(criterion.max_points, rng, strength),
                                     note="Theo báo cáo CCHC năm của cơ quan.")
    if not appraise:
        return
    services.submit(assessment, actor=actor)
    for score in assessment.scores.select_related("criterion"):
        own = score.self_points
        if own is None:  # survey and council leaves
            services.appraise(score, actor=actor, points=_points(score.criterion.max_points, rng, strength))
        elif rng.random() < 0.15 and own > 0:
            services.appraise(score, actor=actor, points=rules.number_text(rules.quantize(own / 2)),
                              comment="Tài liệu kiểm chứng chưa đầy đủ, chỉ chấm một nửa số điểm tự chấm.")
    services.finalise(assessment, actor=actor)


def seed_scoring(plans: list[Plan], *, manager: Any, focal: Any, today: date | None = None) -> dict[str, int]:
    """Returns how many scorecards were published, submitted and started."""
    years = sorted({p.year for p in plans if p.year})
    if not years:
        return {}
    year = years[-1]
    counts = {"published": 0, "submitted": 0, "started": 0}
    for path in frameworks.shipped():
        spec = frameworks.load(path)
        agencies = list(Agency.objects.filter(is_group=False, level__code=spec.level).order_by("name"))
        if not agencies:
            continue
        last = Framework.objects.filter(code=spec.code, year=year - 1).first() or services.install_framework(
            spec, year=year - 1, actor=manager)
        this = Framework.objects.filter(code=spec.code, year=year).first() or services.copy_framework(
            last, year=year, actor=manager)
        if last.published_at is None:
            for agency in agencies:
                rng = random.Random(f"{spec.code}|{year - 1}|{agency.name}")
                assessment = services.start_assessment(last, agency, actor=manager, today=today)
                _score_all(assessment, manager, rng, rng.uniform(0.6, 0.95), appraise=True)
            counts["published"] += services.publish(last, actor=manager,
                                                    decision=f"Quyết định công bố Chỉ số CCHC năm {year - 1}")
        for number, agency in enumerate(agencies):
            if this.assessments.filter(agency=agency).exists():
                continue
            own = focal is not None and agency.pk == focal.agency_id
            if not own and number % 3:
                continue  # a third of the agencies have started this year's self-assessment
            rng = random.Random(f"{spec.code}|{year}|{agency.name}")
            assessment = services.start_assessment(this, agency, actor=focal if own else manager, today=today)
            if own:
                counts["started"] += 1  # left to the demo's focal officer to finish
                continue
            _score_all(assessment, manager, rng, rng.uniform(0.6, 0.95), appraise=False)
            services.submit(assessment, actor=manager)
            counts["submitted"] += 1
    return counts
