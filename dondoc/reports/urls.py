from django.urls import path

from . import views

urlpatterns = [
    path("bao-cao/", views.home, name="reports_home"),
    path("bao-cao/ky/<int:pk>/", views.period_detail, name="period_detail"),
    path("bao-cao/ky/<int:pk>/nhac/", views.period_remind, name="period_remind"),
    path("bao-cao/ky/<int:pk>/lap/", views.report_open, name="report_open"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/<slug:action>/", views.report_action, name="report_action"),
    path("bao-cao/<int:pk>/tai-ve.<str:ext>", views.report_download, name="report_download"),
    path("ke-hoach/<int:pk>/ky-bao-cao/", views.plan_periods, name="plan_periods"),
    path("co-quan/<int:pk>/mau-van-ban/", views.letterhead_edit, name="letterhead_edit"),
]
