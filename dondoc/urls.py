from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "dondoc — quản trị"
admin.site.site_title = "dondoc"

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    # The language switcher must work on the login page too (LoginRequiredMiddleware guards every other view).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dondoc.accounts.urls")),
    path("co-quan/", include("dondoc.agencies.urls")),
    path("api/v1/", include("dondoc.api.urls")),
    path("", include("dondoc.plans.urls")),
    path("", include("dondoc.tracking.urls_task")),
    path("", include("dondoc.tracking.urls_board")),
    path("", include("dondoc.tracking.urls_notify")),
    path("", include("dondoc.reports.urls")),
    path("", include("dondoc.indicators.urls")),
    path("", include("dondoc.scoring.urls")),
    path("", include("dondoc.dashboards.urls")),
    path("", include("dondoc.public.urls")),
    path("", include("dondoc.web.urls")),
]
