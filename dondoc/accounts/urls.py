from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("nhat-ky-nguoi-dung/", views.user_audit, name="user_audit"),
    path("nhat-ky-nguoi-dung/mo-khoa/", views.unlock, name="user_unlock"),
]
