from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
]
