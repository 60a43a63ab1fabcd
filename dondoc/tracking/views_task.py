"""The task page and the writes an agency makes on it: thin views over tracking selectors and services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dondoc.accounts import policy
from dondoc.plans import selectors as plan_selectors

from . import selectors


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(plan_selectors.tasks_of_all(), pk=pk)
    today = timezone.localdate()
    return render(request, "tracking/task_detail.html", {
        "task": task, "state": selectors.state(task, today),
        "can_update": policy.can_update_progress(request.user, task),
        "children": task.child_tasks.select_related("plan")})
