from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, ReportPeriod, Target
from dondoc.web.params import vietnamese_number

from .dossiers import schema
from .metrics import BINDABLE
from .models import DossierSource


class NumberField(forms.DecimalField):
    """A decimal typed the Vietnamese way ("99,5", "1.600") or the dotted way ("97.5")."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = vietnamese_number(value)
        return super().to_python(value)


ENCODINGS = [("", _("Tự nhận dạng")), ("utf-8", "UTF-8"), ("utf-16", "UTF-16 (Unicode của Excel)"),
             ("cp1258", "Windows-1258 (TCVN Windows)")]
LEVEL_CHOICES = [("", _("Mọi cấp"))] + [(k, v) for k, v in schema.LEVELS.items()]
METRIC_CHOICES = [("", _("Không gắn: nhập số liệu thủ công"))] + [(m.code, m.name) for m in BINDABLE]


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(DossierSource.objects.all(), label=_("Nguồn dữ liệu"), required=False,
                                    empty_label=_("— nguồn mới —"))
    new_source = forms.CharField(label=_("Tên nguồn mới"), required=False, max_length=200,
                                 help_text=_("Ví dụ: Hệ thống thông tin giải quyết TTHC tỉnh"))
    file = forms.FileField(label=_("Tệp xuất (CSV hoặc XLSX)"))
    encoding = forms.ChoiceField(label=_("Bảng mã của tệp CSV"), choices=ENCODINGS, required=False)
    skip_bad_rows = forms.BooleanField(
        label=_("Bỏ qua các dòng lỗi (vẫn được liệt kê) và nhập các dòng hợp lệ"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("source") and not (data.get("new_source") or "").strip():
            raise forms.ValidationError(_("Hãy chọn nguồn dữ liệu hoặc đặt tên nguồn mới."))
        return data


class MappingForm(forms.Form):
    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— không có —"))] + [(h, h) for h in headers]
        for f in schema.FIELDS:
            self.fields[f.name] = forms.ChoiceField(label=f.label, choices=choices, required=f.required,
                                                    initial=initial_mapping.get(f.name, ""))

    def mapping(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f.name) or "" for f in schema.FIELDS}


class TargetForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("Đo bằng chỉ số"), choices=METRIC_CHOICES, required=False)
    level = forms.ChoiceField(label=_("Áp dụng cho cấp"), choices=LEVEL_CHOICES, required=False)

    class Meta:
        model = Target
        fields = ["text", "comparator", "value", "unit", "metric", "level", "period", "agencies"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "agencies": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = plan.report_periods.all()
        self.fields["agencies"].queryset = Agency.objects.select_related("level")
        self.fields["value"].required = True


class ActualForm(forms.Form):
    period = forms.ModelChoiceField(ReportPeriod.objects.none(), label=_("Kỳ"))
    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("Cơ quan"), required=False,
                                    empty_label=_("Toàn phạm vi chỉ tiêu"))
    value = NumberField(label=_("Giá trị đạt được"), required=False, max_digits=16, decimal_places=4,
                               help_text=_("Để trống rồi lưu để xóa số liệu nhập tay."))
    note = forms.CharField(label=_("Ghi chú, nguồn số liệu"), required=False, max_length=500)

    def __init__(self, *args: Any, target: Target, agencies: Any, allow_scope: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = target.plan.report_periods.all()
        self.fields["agency"].queryset = agencies
        self.fields["agency"].required = not allow_scope


class StaffingForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.filter(is_group=False), label=_("Cơ quan"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    officers = forms.IntegerField(label=_("Số nhân sự trực Bộ phận Một cửa"), min_value=0, max_value=10000,
                                  required=False, help_text=_("Để trống để xóa."))


class IndexInputsForm(forms.Form):
    def __init__(self, *args: Any, inputs: dict[str, str], initial_values: dict[str, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in inputs.items():
            self.fields[code] = NumberField(label=label, required=False, min_value=0, max_value=100,
                                                   max_digits=6, decimal_places=2, initial=initial_values.get(code))
