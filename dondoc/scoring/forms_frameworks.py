"""Forms of the PAR-Index framework pages: install a shipped framework, copy one, edit a criterion.

A metric leaf's bands are typed one per line, the way score sheets print them: "100 → 1", "95 → 0,5" (the value
reached, from which the points are given) or "≤ 5 → 1" for lower-is-better figures (days).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dondoc.agencies.models import Level
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.indicators.metrics import BINDABLE, METRIC_BY_CODE
from dondoc.web.params import vietnamese_number

from . import frameworks as shipped_frameworks
from .models import Criterion, Rule
from .rules import number_text

MIN_YEAR, MAX_YEAR = 2000, 2100
# The params keys the criterion form writes; any other key a shipped file carries is kept on edit.
MANAGED_PARAMS = ("metric", "bands", "zero_at", "full_at", "area")


class NumberField(forms.DecimalField):
    """A decimal typed the Vietnamese way ("0,5", "1.600") or the dotted way ("0.5")."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = vietnamese_number(value)
        return super().to_python(value)


def _text(value: Any) -> str:
    """A stored figure as the form shows it ("0,5"); blank when missing."""
    return "" if value is None else number_text(Decimal(str(value)))


def _json_number(value: Decimal) -> int | float:
    """A Decimal as JSON stores it: whole numbers as integers (100, not 100.0)."""
    return int(value) if value == value.to_integral_value() else float(value)


# --- install and copy ---------------------------------------------------------------------------------------------

def shipped_choices() -> list[tuple[str, str]]:
    """The shipped framework files by name, labelled with the framework they hold (or why they cannot be read)."""
    choices = []
    for path in shipped_frameworks.shipped():
        try:
            spec = shipped_frameworks.load(path)
        except shipped_frameworks.FrameworkError:
            label = _("%(file)s (tệp có lỗi)") % {"file": path.name}
        else:
            label = _("%(name)s — %(level)s (%(file)s)") % {"name": spec.name, "level": spec.level, "file": path.name}
        choices.append((path.name, label))
    return choices


def shipped_path(name: str) -> Path | None:
    """A shipped file by its name (only the names `shipped()` lists: never a path typed by the user)."""
    return next((path for path in shipped_frameworks.shipped() if path.name == name), None)


class InstallForm(forms.Form):
    file = forms.ChoiceField(label=_lazy("Bộ chỉ số có sẵn"), choices=())
    year = forms.IntegerField(label=_lazy("Năm đánh giá"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["file"].choices = shipped_choices()


def level_choices(current: str = "") -> list[tuple[str, str]]:
    choices = [(level.code, f"{level.name} ({level.code})") for level in Level.objects.all()]
    if current and current not in {code for code, _label in choices}:
        choices.append((current, current))
    return choices


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_lazy("Năm đánh giá của bộ mới"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    level = forms.ChoiceField(label=_lazy("Đối tượng (cấp) được chấm"), choices=())
    name = forms.CharField(label=_lazy("Tên bộ chỉ số mới"), max_length=300, required=False,
                           help_text=_lazy("Để trống: giữ tên của bộ đang sao chép."))

    def __init__(self, *args: Any, source_level: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(source_level)


# --- bands --------------------------------------------------------------------------------------------------------

_ARROW = re.compile(r"\s*(?:→|->|=>|⇒)\s*")
_AT_MOST = ("≤", "<=", "=<", "dưới hoặc bằng", "đến", "tối đa")
_AT_LEAST = ("≥", ">=", "từ", "tối thiểu")


def _number(text: str) -> Decimal:
    cleaned = vietnamese_number(text.replace("điểm", "").replace("ngày", "").strip())
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def parse_bands(text: str) -> list[dict[str, int | float]]:
    """Bands from lines "100 → 1", "≥ 95 → 0,5" (higher is better: "min") or "≤ 5 → 1" (lower is better: "max").

    Raises forms.ValidationError with every problem, in Vietnamese. The result is ordered as the rule reads it
    (the best band first), whatever order the lines were typed in.
    """
    bands: list[dict[str, int | float]] = []
    problems: list[str] = []
    kinds: set[str] = set()
    seen: set[Decimal] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = _ARROW.split(line)
        if len(parts) != 2:
            problems.append(_("Dòng %(n)d “%(line)s”: cần viết “ngưỡng → điểm”, ví dụ “100 → 1”.")
                            % {"n": number, "line": line})
            continue
        left, right = parts[0].strip(), parts[1].strip()
        kind = "min"
        for prefix in _AT_MOST:
            if left.lower().startswith(prefix):
                kind, left = "max", left[len(prefix):].strip()
                break
        else:
            for prefix in _AT_LEAST:
                if left.lower().startswith(prefix):
                    left = left[len(prefix):].strip()
                    break
        try:
            threshold, points = _number(left), _number(right)
        except (InvalidOperation, ValueError):
            problems.append(_("Dòng %(n)d “%(line)s”: ngưỡng và điểm phải là số.") % {"n": number, "line": line})
            continue
        if points < 0:
            problems.append(_("Dòng %(n)d “%(line)s”: điểm không được âm.") % {"n": number, "line": line})
            continue
        if threshold in seen:
            problems.append(_("Dòng %(n)d “%(line)s”: ngưỡng này đã có ở dòng trên.") % {"n": number, "line": line})
            continue
        seen.add(threshold)
        kinds.add(kind)
        bands.append({kind: _json_number(threshold), "points": _json_number(points)})
    if len(kinds) > 1:
        problems.append(_("Các mức phải cùng một chiều: hoặc đều là “từ ngưỡng trở lên” (100 → 1), hoặc đều là "
                          "“từ ngưỡng trở xuống” (≤ 5 → 1)."))
    if problems:
        raise forms.ValidationError(problems)
    if kinds == {"max"}:
        bands.sort(key=lambda band: band["max"])
    else:
        bands.sort(key=lambda band: band["min"], reverse=True)
    return bands


def bands_text(bands: list[dict[str, Any]]) -> str:
    """The bands as the form shows them, one per line."""
    lines = []
    for band in bands or []:
        if "max" in band:
            lines.append(f"≤ {number_text(band['max'])} → {number_text(band.get('points', 0))}")
        else:
            lines.append(f"{number_text(band.get('min', 0))} → {number_text(band.get('points', 0))}")
    return "\n".join(lines)


# --- a criterion --------------------------------------------------------------------------------------------------

RULE_CHOICES = [("", _lazy("— chọn cách chấm —")), *Rule.choices]
MODE_BANDS, MODE_LINEAR = "bands", "linear"
MODE_CHOICES = [(MODE_BANDS, _lazy("Theo các mức (ngưỡng → điểm)")),
                (MODE_LINEAR, _lazy("Tỷ lệ thuận giữa hai ngưỡng"))]
AREA_CHOICES = [("", _lazy("Mọi lĩnh vực"))] + list(AREA_NAMES.items())
LEAF_FIELDS = ("max_points", "rule", "metric", "mode", "bands", "zero_at", "full_at", "area", "may_be_na",
               "self_assessed")


def metric_choices(current: str = "") -> list[tuple[str, str]]:
    choices = [("", _("— chọn chỉ số —"))] + [(m.code, m.name) for m in BINDABLE]
    if current and current in METRIC_BY_CODE and current not in {m.code for m in BINDABLE}:
        choices.append((current, METRIC_BY_CODE[current].name))
    return choices


class CriterionForm(forms.Form):
    code = forms.CharField(label=_lazy("Mã"), max_length=20, help_text=_lazy("Ví dụ: 1, 1.2, 1.2.3."))
    title = forms.CharField(label=_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    max_points = NumberField(label=_lazy("Điểm tối đa"), min_value=0, max_digits=7, decimal_places=2)
    rule = forms.ChoiceField(label=_lazy("Cách chấm"), choices=RULE_CHOICES)
    metric = forms.ChoiceField(label=_lazy("Chỉ số đo"), choices=(), required=False)
    mode = forms.ChoiceField(label=_lazy("Quy đổi chỉ số ra điểm"), choices=MODE_CHOICES, required=False,
                             initial=MODE_BANDS)
    bands = forms.CharField(
        label=_lazy("Các mức"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("Mỗi dòng một mức “ngưỡng → điểm”, mức cao nhất trước, ví dụ “100 → 1” rồi “95 → 0,5”: "
                        "đạt 100% trở lên được 1 điểm, từ 95% được 0,5 điểm, thấp hơn 0 điểm. Chỉ số càng thấp "
                        "càng tốt (số ngày): “≤ 5 → 1”."))
    zero_at = NumberField(label=_lazy("Ngưỡng 0 điểm"), required=False, max_digits=12, decimal_places=4)
    full_at = NumberField(label=_lazy("Ngưỡng đạt điểm tối đa"), required=False, max_digits=12, decimal_places=4,
                          help_text=_lazy("Ví dụ 80 và 100: tỷ lệ 90% được một nửa số điểm. Ngưỡng đạt tối đa nhỏ "
                                          "hơn ngưỡng 0 điểm: chỉ số càng thấp càng tốt."))
    area = forms.ChoiceField(label=_lazy("Nhiệm vụ thuộc lĩnh vực"), choices=AREA_CHOICES, required=False)
    guide = forms.CharField(label=_lazy("Hướng dẫn chấm"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evidence_hint = forms.CharField(label=_lazy("Tài liệu kiểm chứng"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    may_be_na = forms.BooleanField(label=_lazy("Có thể không áp dụng (cơ quan nêu lý do)"), required=False)
    self_assessed = forms.BooleanField(
        label=_lazy("Cơ quan tự chấm"), required=False,
        help_text=_lazy("Bỏ chọn: điểm do Hội đồng thẩm định (hoặc Trung ương) cho. Điều tra xã hội học luôn do "
                        "Hội đồng nhập."))

    def __init__(self, *args: Any, criterion: Criterion, is_leaf: bool, **kwargs: Any) -> None:
        self.criterion, self.is_leaf = criterion, is_leaf
        params = criterion.params or {}
        if criterion.pk and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": criterion.code, "title": criterion.title, "max_points": number_text(criterion.max_points),
                "rule": criterion.rule, "metric": params.get("metric", ""),
                "mode": MODE_LINEAR if "full_at" in params and not params.get("bands") else MODE_BANDS,
                "bands": bands_text(params.get("bands") or []),
                "zero_at": _text(params.get("zero_at")), "full_at": _text(params.get("full_at")),
                "area": params.get("area", ""),
                "guide": criterion.guide, "evidence_hint": criterion.evidence_hint,
                "may_be_na": criterion.may_be_na, "self_assessed": criterion.self_assessed}
        elif not criterion.pk:
            kwargs.setdefault("initial", {"self_assessed": True, "rule": Rule.MANUAL, "mode": MODE_BANDS})
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices(params.get("metric", ""))
        if not is_leaf:
            for name in LEAF_FIELDS:
                del self.fields[name]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError(_("Cần có mã tiêu chí."))
        return code

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Cần có nội dung tiêu chí."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.is_leaf:
            return data
        rule = data.get("rule")
        if rule == Rule.METRIC:
            if not data.get("metric"):
                self.add_error("metric", _("Hãy chọn chỉ số đo."))
            if data.get("mode") == MODE_LINEAR:
                zero_at, full_at = data.get("zero_at"), data.get("full_at")
                if zero_at is None:
                    self.add_error("zero_at", _("Cần ngưỡng 0 điểm."))
                if full_at is None:
                    self.add_error("full_at", _("Cần ngưỡng đạt điểm tối đa."))
                if zero_at is not None and full_at is not None and zero_at == full_at:
                    self.add_error("full_at", _("Hai ngưỡng phải khác nhau."))
            else:
                try:
                    bands = parse_bands(data.get("bands") or "")
                except forms.ValidationError as error:
                    self.add_error("bands", error)
                else:
                    if not bands:
                        self.add_error("bands", _("Cần ít nhất một mức “ngưỡng → điểm”."))
                    maximum = data.get("max_points")
                    if maximum is not None and any(Decimal(str(b["points"])) > maximum for b in bands):
                        self.add_error("bands", _("Điểm của một mức không được lớn hơn điểm tối đa %(max)s.")
                                       % {"max": number_text(maximum)})
                    data["parsed_bands"] = bands
        return data

    def params(self) -> dict[str, Any]:
        """The leaf's rule parameters from the cleaned form; keys the form does not manage are kept when the rule
        stays the same."""
        data = self.cleaned_data
        rule = data["rule"]
        kept = {k: v for k, v in (self.criterion.params or {}).items() if k not in MANAGED_PARAMS} \
            if rule == self.criterion.rule else {}
        if rule == Rule.METRIC:
            if data.get("mode") == MODE_LINEAR:
                return {**kept, "metric": data["metric"], "zero_at": _json_number(data["zero_at"]),
                        "full_at": _json_number(data["full_at"])}
            return {**kept, "metric": data["metric"], "bands": data["parsed_bands"]}
        if rule == Rule.TASKS:
            return {**kept, "area": data.get("area") or ""}  # "": every area
        return kept

    def criterion_data(self) -> dict[str, Any]:
        """What `services.save_criterion` writes."""
        data = self.cleaned_data
        found: dict[str, Any] = {name: data[name] for name in ("code", "title", "guide", "evidence_hint")}
        found["guide"], found["evidence_hint"] = found["guide"].strip(), found["evidence_hint"].strip()
        if self.is_leaf:
            found.update(max_points=data["max_points"], rule=data["rule"], params=self.params(),
                         may_be_na=data["may_be_na"],
                         self_assessed=data["self_assessed"] and data["rule"] != Rule.SURVEY)
        return found
