"""PAR-Index frameworks, under /cham-diem/bo-chi-so/ (see urls.py)."""

from django.urls import path

from . import views_frameworks as views

urlpatterns = [
    path("", views.frameworks, name="frameworks"),
    path("cai-dat/", views.framework_install, name="framework_install"),
    path("<int:pk>/", views.framework_detail, name="framework_detail"),
    path("<int:pk>/sao-chep/", views.framework_copy, name="framework_copy"),
    path("<int:pk>/tieu-chi/them/", views.criterion_add, name="criterion_add"),
    path("<int:pk>/tieu-chi/<int:criterion_pk>/sua/", views.criterion_edit, name="criterion_edit"),
    path("<int:pk>/tieu-chi/<int:criterion_pk>/xoa/", views.criterion_delete, name="criterion_delete"),
]
