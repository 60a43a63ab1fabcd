from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "dondoc — quản trị"
admin.site.site_title = "dondoc"

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dondoc.accounts.urls")),
    path("co-quan/", include("dondoc.agencies.urls")),
    path("", include("dondoc.plans.urls")),
    path("", include("dondoc.web.urls")),
]
