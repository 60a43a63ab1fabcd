"""The citizens' transparency page, under /cong-khai/ (404 unless DONDOC_PUBLIC_PAGE is on)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cong-khai/", views.home, name="public_home"),
    path("cong-khai/ke-hoach/<int:pk>/", views.plan, name="public_plan"),
    path("cong-khai/xep-hang/", views.rankings, name="public_rankings"),
]
