from django.urls import path

from . import views_rankings as views

urlpatterns = [
    path("xep-hang/", views.rankings, name="rankings"),
    path("xep-hang/<int:pk>.xlsx", views.rankings_xlsx, name="rankings_xlsx"),
    path("xep-hang/<int:pk>.docx", views.rankings_docx, name="rankings_docx"),
    path("xep-loai/", views.grades, name="grades"),
    path("xep-loai/cach-tinh/", views.grade_rule, name="grade_rule"),
    path("xep-loai/<int:year>.xlsx", views.grades_xlsx, name="grades_xlsx"),
    path("xep-loai/<int:year>.docx", views.grades_docx, name="grades_docx"),
]
