"""/api/v1/: read-only resources and the OpenAPI schema.

The API authenticates by token (or session) itself, answering 401 rather than redirecting to the login page,
so its views are exempt from LoginRequiredMiddleware; each still requires an authenticated user (REST_FRAMEWORK
settings), except the schema, which describes no data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="api_plan")
router.register("tasks", views.TaskViewSet, basename="api_task")
router.register("milestones", views.MilestoneViewSet, basename="api_milestone")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="api_update")
router.register("agencies", views.AgencyViewSet, basename="api_agency")
router.register("reports", views.ReportViewSet, basename="api_report")
router.register("targets", views.TargetViewSet, basename="api_target")

for pattern in router.urls:
    login_not_required(pattern.callback)

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    *router.urls,
]
