"""Forms of the task page (progress, contribution, completion approval, extension, condition event, recurring
periods) and of the extensions review. They only parse and check input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from dondoc.plans.models import Status

from . import services
from .models import Evidence

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DECISIONS = [("approve", _("Đồng ý")), ("refuse", _("Không đồng ý"))]
PROGRESS_STATUSES = [(value, label) for value, label in Status.choices if value != Status.AWAITING_APPROVAL]
EVIDENCE_FIELDS = ("evidence_kind", "evidence_number", "evidence_date", "evidence_issuer", "evidence_file")


def error_text(form: forms.Form) -> str:
    """Every error of a form as one sentence list, for a message after the redirect."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [f"{label}: {e}" if label else str(e) for e in errors]
    return " ".join(out)


class EvidenceForm(forms.Form):
    """The output document (kind, number, date, issuer) and/or an attached file proving an update."""

    evidence_kind = forms.ChoiceField(label=_("Loại văn bản kết quả"), required=False,
                                      choices=[("", "—"), *Evidence.DocumentKind.choices])
    evidence_number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    evidence_date = forms.DateField(label=_("Ngày ban hành"), required=False, widget=DATE_WIDGET)
    evidence_issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=300, required=False)
    evidence_file = forms.FileField(label=_("Tệp kiểm chứng"), required=False,
                                    help_text=_("PDF, DOCX, XLSX hoặc ảnh PNG, JPG."))

    def clean_evidence_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            services.check_evidence_file(upload)  # type and size, by the file's first bytes
        return upload

    def evidence(self) -> list[services.EvidenceInput]:
        data = self.cleaned_data
        item = services.EvidenceInput(kind=data.get("evidence_kind") or "", number=data.get("evidence_number") or "",
                                      issued_on=data.get("evidence_date"), issuer=data.get("evidence_issuer") or "",
                                      file=data.get("evidence_file"))
        return [] if item.is_empty() else [item]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in EVIDENCE_FIELDS and name != "version"]

    def evidence_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in EVIDENCE_FIELDS]


class ProgressForm(EvidenceForm):
    """The lead agency's update: status, percent, what was done, and its evidence."""

    status = forms.ChoiceField(label=_("Trạng thái"), choices=PROGRESS_STATUSES)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Nội dung cập nhật"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Bắt buộc ghi lý do khi tạm dừng hoặc không thực hiện."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    field_order = ["status", "progress", "text", "version"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") in (Status.PAUSED, Status.CANCELLED) and not (data.get("text") or "").strip():
            self.add_error("text", _("Hãy ghi lý do tạm dừng hoặc không thực hiện."))
        return data


class ContributionForm(EvidenceForm):
    text = forms.CharField(label=_("Nội dung đóng góp"), widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["text"]


class CompletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS)
    note = forms.CharField(label=_("Ý kiến của lãnh đạo"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Bắt buộc khi chưa duyệt: cơ quan cần làm gì thêm."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", _("Hãy ghi lý do chưa duyệt để cơ quan biết cần làm gì thêm."))
        return data


class ExtensionRequestForm(forms.Form):
    new_due = forms.DateField(label=_("Hạn mới đề nghị"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS)
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Bắt buộc khi không đồng ý."))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", _("Hãy ghi lý do không đồng ý gia hạn."))
        return data


class ConditionEventForm(forms.Form):
    """The event a conditional deadline waits for ("khi có hướng dẫn của Bộ") happened: when, and the due date."""

    happened_on = forms.DateField(label=_("Ngày có sự kiện"), widget=DATE_WIDGET)
    due = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Văn bản, sự kiện"), required=False, max_length=1000,
                           help_text=_("Ví dụ: Thông tư số …, ngày … của Bộ …"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        happened, due = data.get("happened_on"), data.get("due")
        if happened and due and due < happened:
            self.add_error("due", _("Hạn hoàn thành không thể trước ngày có sự kiện."))
        return data


class OccurrenceDoneForm(EvidenceForm):
    text = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class OccurrencesForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
