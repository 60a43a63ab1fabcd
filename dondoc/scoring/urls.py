from django.urls import include, path

urlpatterns = [
    path("cham-diem/", include("dondoc.scoring.urls_assess")),
    path("cham-diem/", include("dondoc.scoring.urls_rankings")),
    path("cham-diem/bo-chi-so/", include("dondoc.scoring.urls_frameworks")),
]
