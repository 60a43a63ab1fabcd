from django.urls import path

from . import views

urlpatterns = [
    path("chi-tieu/", views.targets_home, name="targets_home"),
    path("chi-tieu/<int:pk>/", views.target_detail, name="target_detail"),
    path("chi-tieu/<int:pk>/sua/", views.target_edit, name="target_edit"),
    path("chi-tieu/<int:pk>/xoa/", views.target_delete, name="target_delete"),
    path("chi-tieu/<int:pk>/so-lieu/", views.target_actual, name="target_actual"),
    path("ke-hoach/<int:plan_pk>/chi-tieu/them/", views.target_edit, name="target_add"),
    path("ho-so/", views.dossiers_home, name="dossiers_home"),
    path("ho-so/nhap/<int:pk>/", views.dossier_import_detail, name="dossier_import_detail"),
    path("ho-so/nhap/<int:pk>/tien-do/", views.dossier_import_status, name="dossier_import_status"),
    path("ho-so/nhap/<int:pk>/anh-xa/", views.dossier_import_mapping, name="dossier_import_mapping"),
    path("ho-so/nhap/<int:pk>/dong-loi.csv", views.dossier_import_errors, name="dossier_import_errors"),
    path("ho-so/nhap/<int:pk>/chay-lai/", views.dossier_import_restart, name="dossier_import_restart"),
    path("ho-so/nhan-su/", views.staffing, name="dossier_staffing"),
    path("ho-so/chi-so/", views.indicators, name="indicators"),
    path("ho-so/chi-so-766/", views.service_index_view, name="service_index"),
]
