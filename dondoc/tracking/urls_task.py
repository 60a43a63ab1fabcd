from django.urls import path

from . import views_task

urlpatterns = [
    path("nhiem-vu/<int:pk>/", views_task.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/cap-nhat/", views_task.task_progress, name="task_progress"),
    path("nhiem-vu/<int:pk>/dong-gop/", views_task.task_contribute, name="task_contribute"),
    path("nhiem-vu/<int:pk>/duyet-hoan-thanh/", views_task.task_decide_completion, name="task_decide_completion"),
    path("nhiem-vu/<int:pk>/gia-han/", views_task.task_request_extension, name="task_request_extension"),
    path("nhiem-vu/<int:pk>/moc/<int:milestone_pk>/su-kien/", views_task.task_condition_event,
         name="task_condition_event"),
    path("nhiem-vu/<int:pk>/ky-dinh-ky/", views_task.task_occurrences, name="task_occurrences"),
    path("nhiem-vu/<int:pk>/ky/<int:milestone_pk>/hoan-thanh/", views_task.task_occurrence_done,
         name="task_occurrence_done"),
    path("tai-lieu-kiem-chung/<int:pk>/", views_task.evidence_download, name="evidence_download"),
    path("viec-cua-toi/", views_task.work_queue, name="work_queue"),
    path("gia-han/", views_task.extension_list, name="extension_list"),
    path("gia-han/<int:pk>/quyet-dinh/", views_task.extension_decide, name="extension_decide"),
]
