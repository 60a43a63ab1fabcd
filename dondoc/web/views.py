"""Home and global search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dondoc.agencies import selectors as agency_selectors
from dondoc.agencies.models import Agency
from dondoc.plans import selectors as plan_selectors
from dondoc.plans.models import Plan, Task


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "plan_count": Plan.objects.count(), "task_count": Task.objects.count(),
        "agency_count": Agency.objects.filter(is_group=False).count(),
        "recent_plans": plan_selectors.plans()[:8],
        "drafts": plan_selectors.drafts_for(user).exclude(status__in=["confirmed", "discarded"])[:8],
        "my_tasks": (Task.objects.filter(task_agencies__agency_id=user.agency_id, task_agencies__role="lead")
                     .select_related("plan")[:10] if user.agency_id else []),
    }
    return render(request, "web/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        context.update({"plans": plan_selectors.plans(query=query)[:50],
                        "tasks": plan_selectors.search_tasks(query, limit=100),
                        "agencies": agency_selectors.search(query, limit=50)})
    return render(request, "web/search.html", context)


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
