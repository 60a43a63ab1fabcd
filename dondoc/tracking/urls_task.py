from django.urls import path

from . import views_task

urlpatterns = [
    path("nhiem-vu/<int:pk>/", views_task.task_detail, name="task_detail"),
]
