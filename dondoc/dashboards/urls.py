from django.urls import path

from . import views

urlpatterns = [
    path("bang-dieu-khien/", views.dashboard, name="dashboard"),
    path("bang-dieu-khien/co-quan/<int:pk>/", views.dashboard_agency, name="dashboard_agency"),
    path("bang-dieu-khien/so-lieu.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
]
