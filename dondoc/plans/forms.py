from __future__ import annotations

from django import forms

from dondoc.agencies.models import Agency

from .models import Plan


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp kế hoạch", help_text="TXT, HTML, DOCX, PDF, XLSX, ODT hoặc DOC.")
    year = forms.IntegerField(label="Năm kế hoạch (nếu văn bản không ghi rõ)", required=False, min_value=2000,
                              max_value=2100)
    parent_plan = forms.ModelChoiceField(label="Thuộc kế hoạch cấp trên", queryset=Plan.objects.all(), required=False)


class DraftTaskForm(forms.Form):
    number = forms.CharField(label="STT", required=False, max_length=20)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    output = forms.CharField(label="Sản phẩm", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lead = forms.CharField(label="Cơ quan chủ trì", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    coordinating = forms.CharField(label="Cơ quan phối hợp", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.CharField(label="Thời gian hoàn thành", required=False)
    funding = forms.CharField(label="Kinh phí", required=False)
    note = forms.CharField(label="Ghi chú", required=False)


class AgencyChoiceForm(forms.Form):
    name = forms.CharField(max_length=300)
    action = forms.ChoiceField(choices=[("map", "Ghép với cơ quan có sẵn"), ("create", "Tạo cơ quan mới"),
                                        ("group", "Là nhóm cơ quan")])
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False)


class CascadeForm(forms.Form):
    agency = forms.ModelChoiceField(label="Cơ quan", queryset=Agency.objects.filter(is_group=False))
