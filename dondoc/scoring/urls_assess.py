from django.urls import path

from . import views_assess as views

urlpatterns = [
    path("", views.home, name="scoring_home"),
    path("bat-dau/<int:framework_pk>/", views.start, name="assessment_start"),
    path("ban-cham/<int:pk>/", views.detail, name="assessment_detail"),
    path("ban-cham/<int:pk>/tieu-chi/<int:score_pk>/", views.leaf, name="score_leaf"),
    path("ban-cham/<int:pk>/tieu-chi/<int:score_pk>/tham-dinh/", views.appraise_leaf, name="score_appraise"),
    path("ban-cham/<int:pk>/tieu-chi/<int:score_pk>/tep/", views.upload, name="score_file_upload"),
    path("ban-cham/<int:pk>/tep/<int:file_pk>/", views.download, name="score_file"),
    path("ban-cham/<int:pk>/tep/<int:file_pk>/xoa/", views.remove, name="score_file_remove"),
    path("ban-cham/<int:pk>/tham-dinh/", views.appraise_all, name="assessment_appraise"),
    path("ban-cham/<int:pk>/gui/", views.submit, name="assessment_submit"),
    path("ban-cham/<int:pk>/tra-lai/", views.send_back, name="assessment_return"),
    path("ban-cham/<int:pk>/chot/", views.finalise, name="assessment_finalise"),
    path("ban-cham/<int:pk>/mo-lai/", views.reopen, name="assessment_reopen"),
    path("hoi-dong/<int:framework_pk>/", views.council, name="council_board"),
    path("hoi-dong/<int:framework_pk>/cong-bo/", views.publish, name="framework_publish"),
]
