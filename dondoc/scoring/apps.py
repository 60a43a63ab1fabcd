from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dondoc.scoring"
    verbose_name = "Chấm điểm Chỉ số CCHC, xếp loại, xếp hạng"
