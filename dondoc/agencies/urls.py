from django.urls import path

from . import views

urlpatterns = [
    path("", views.directory, name="agency_directory"),
    path("goi-y/", views.suggest, name="agency_suggest"),
    path("them/", views.edit, name="agency_create"),
    path("<int:pk>/", views.detail, name="agency_detail"),
    path("<int:pk>/sua/", views.edit, name="agency_edit"),
    path("<int:pk>/ten-goi/", views.add_alias, name="agency_alias"),
    path("<int:pk>/thanh-vien/", views.set_members, name="agency_members"),
]
