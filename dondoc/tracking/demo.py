"""Demo follow-up data over imported plans: a realistic spread of progress, late work and extensions.

Each task's fate is drawn from a random generator seeded with the task's own text, so the demo
is the same on every machine and every run, and goes through the same services officers use.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from dondoc.plans.models import Milestone, Plan, Status, Task

from . import services
from .models import Extension, ProgressUpdate

# (share, fate): the outcomes a province typically sees at the year's end
FATES: list[tuple[float, str]] = [
    (0.50, "on_time"), (0.14, "late_done"), (0.10, "overdue_in_progress"), (0.07, "overdue_not_started"),
    (0.08, "extended"), (0.06, "in_progress"), (0.05, "paused"),
]
PROGRESS_TEXTS = [
    "Đã xây dựng dự thảo, đang lấy ý kiến các cơ quan liên quan.",
    "Đã tổ chức triển khai, đang tổng hợp kết quả.",
    "Đã ban hành văn bản hướng dẫn, đang theo dõi thực hiện.",
    "Đang rà soát, hoàn thiện hồ sơ trình cấp có thẩm quyền.",
]


def _fate(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for share, fate in FATES:
        total += share
        if roll < total:
            return fate
    return FATES[-1][1]


def _evidence(task: Task, on: date, rng: random.Random) -> services.EvidenceInput:
    kind = rng.choice(["quyet_dinh", "ke_hoach", "bao_cao", "cong_van"])
    return services.EvidenceInput(kind=kind, number=f"{rng.randint(10, 999)}/{'QĐ' if kind == 'quyet_dinh' else 'BC'}-"
                                  f"{on.year}", issued_on=on, issuer=task.lead_text[:200])


@transaction.atomic
def spread_progress(plans: list[Plan], actor: Any) -> dict[str, int]:
    """Give each task of `plans` a fate. Returns how many tasks got each one."""
    counts: dict[str, int] = {}
    for plan in plans:
        tasks = list(plan.tasks.prefetch_related("task_agencies", "milestones"))
        if plan.year:
            services.generate_occurrences(tasks, plan.year)
        for task in tasks:
            if task.updates.exists():
                continue  # already given a story by an earlier run
            rng = random.Random(f"{plan.number}|{task.order}|{task.content}")
            fate = _fate(rng) if task.due_date else rng.choice(["in_progress", "on_time_no_date"])
            counts[fate] = counts.get(fate, 0) + 1
            _apply(task, fate, rng, actor)
            _occurrences(task, rng, actor)
    return counts


def _apply(task: Task, fate: str, rng: random.Random, actor: Any) -> None:
    due = task.due_date
    text = rng.choice(PROGRESS_TEXTS)
    if fate in {"on_time", "on_time_no_date"}:
        done_on = due - timedelta(days=rng.randint(0, 20)) if due else date((task.plan.year or 2021), 12, 15)
        services.record_progress(task, actor=actor, text=text, progress=60, status=Status.IN_PROGRESS,
                                 today=done_on - timedelta(days=30))
        services.record_progress(task, actor=actor, text="Đã hoàn thành, có văn bản kết quả.", progress=100,
                                 status=Status.DONE, evidence=[_evidence(task, done_on, rng)], today=done_on)
    elif fate == "late_done":
        done_on = due + timedelta(days=rng.randint(5, 60))
        services.record_progress(task, actor=actor, text="Hoàn thành chậm so với kế hoạch.", progress=100,
                                 status=Status.DONE, evidence=[_evidence(task, done_on, rng)], today=done_on)
    elif fate == "overdue_in_progress":
        services.record_progress(task, actor=actor, text=text, progress=rng.choice([20, 40, 60, 80]),
                                 status=Status.IN_PROGRESS, today=due - timedelta(days=15))
    elif fate == "extended":
        asked_on = due - timedelta(days=10)
        services.record_progress(task, actor=actor, text=text, progress=50, status=Status.IN_PROGRESS, today=asked_on)
        extension = services.request_extension(task, actor=actor, new_due=due + timedelta(days=60), today=asked_on,
                                               reason="Chờ ý kiến của bộ, ngành Trung ương nên cần thêm thời gian.")
        services.decide_extension(extension, actor=actor, approve=True, note="Đồng ý gia hạn.")
        task.refresh_from_db()
        if rng.random() < 0.6:
            done_on = task.due_date - timedelta(days=rng.randint(1, 20))
            services.record_progress(task, actor=actor, text="Đã hoàn thành trong thời hạn được gia hạn.",
                                     progress=100, status=Status.DONE, evidence=[_evidence(task, done_on, rng)],
                                     today=done_on)
    elif fate == "in_progress":
        services.record_progress(task, actor=actor, text=text, progress=rng.choice([10, 30, 50]),
                                 status=Status.IN_PROGRESS, today=(due or date(task.plan.year or 2021, 6, 1))
                                 - timedelta(days=30))
    elif fate == "paused":
        services.record_progress(task, actor=actor, progress=rng.choice([0, 20]), status=Status.PAUSED,
                                 text="Tạm dừng chờ hướng dẫn của cơ quan cấp trên.", today=due - timedelta(days=20))
    # "overdue_not_started": nothing was ever reported — that is the point


def _occurrences(task: Task, rng: random.Random, actor: Any) -> None:
    for occurrence in task.milestones.filter(kind=Milestone.Kind.OCCURRENCE).order_by("due_date"):
        if rng.random() < 0.8:
            done_on = occurrence.due_date - timedelta(days=rng.randint(0, 5))
            services.complete_occurrence(occurrence, actor=actor, today=done_on)


def summary() -> dict[str, int]:
    return {"updates": ProgressUpdate.objects.count(), "extensions": Extension.objects.count(),
            "done": Task.objects.filter(status=Status.DONE).count()}
