from django.urls import path

from . import views_board

urlpatterns = [
    path("qua-han/", views_board.overdue_board, name="overdue_board"),
    path("qua-han/co-quan/<int:pk>/cong-van/", views_board.letter_create, name="letter_create"),
    path("cong-van-don-doc/", views_board.letter_list, name="letter_list"),
    path("cong-van-don-doc/<int:pk>/tai-ve/", views_board.letter_download, name="letter_download"),
    path("cap-nhat-hang-loat/", views_board.bulk_home, name="bulk_home"),
    path("cap-nhat-hang-loat/tep-mau.xlsx", views_board.bulk_download, name="bulk_download"),
    path("cap-nhat-hang-loat/<int:pk>/", views_board.bulk_preview, name="bulk_preview"),
    path("cap-nhat-hang-loat/<int:pk>/ap-dung/", views_board.bulk_confirm, name="bulk_confirm"),
    path("cap-nhat-hang-loat/<int:pk>/huy/", views_board.bulk_discard, name="bulk_discard"),
    path("ke-hoach/<int:pk>/tien-do/", views_board.plan_gantt, name="plan_gantt"),
    path("co-quan/<int:pk>/lich.ics", views_board.agency_calendar, name="agency_calendar"),
]
