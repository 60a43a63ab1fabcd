from django.urls import path

from . import views

urlpatterns = [
    path("ke-hoach/", views.plan_list, name="plan_list"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/tep-goc/", views.plan_source, name="plan_source"),
    path("ke-hoach/<int:pk>/phan-cap/", views.cascade, name="plan_cascade"),
    path("ke-hoach/<int:pk>/lien-ket/", views.link_parent, name="plan_link_parent"),
    path("nhap/", views.import_start, name="import_start"),
    path("nhap/<int:pk>/", views.import_review, name="import_review"),
    path("nhap/<int:pk>/trang-thai/", views.import_status, name="import_status"),
    path("nhap/<int:pk>/sua-o/", views.import_edit_cell, name="import_edit_cell"),
    path("nhap/<int:pk>/nhiem-vu/<int:index>/", views.import_edit_task, name="import_edit_task"),
    path("nhap/<int:pk>/co-quan/", views.import_choose_agency, name="import_choose_agency"),
    path("nhap/<int:pk>/luu/", views.import_confirm, name="import_confirm"),
    path("nhap/<int:pk>/huy/", views.import_discard, name="import_discard"),
    path("nhap/<int:pk>/doc-lai/", views.import_restart, name="import_restart"),
]
