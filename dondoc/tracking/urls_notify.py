from django.urls import path

from . import views_notify

urlpatterns = [
    path("thong-bao/", views_notify.notifications, name="notifications"),
    path("thong-bao/da-doc/", views_notify.notifications_read, name="notifications_read"),
]
