"""The form of a year's task-grading rule: the four weights and the grade bands (a fixed number of rows; a row left
blank is no band)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.indicators.forms import NumberField
from dondoc.web.params import vietnamese_number

from . import rules

MAX_BANDS = 8
WEIGHTS = (("on_time", gettext_lazy("Hoàn thành đúng hạn")),
           ("excused", gettext_lazy("Hoàn thành trong hạn được gia hạn")),
           ("late", gettext_lazy("Hoàn thành quá hạn")),
           ("not_done", gettext_lazy("Chưa hoàn thành, đã quá hạn")))


def _weight_field(label: Any) -> NumberField:
    # the range (0 to 1) is checked by services.save_grade_rule, whose message is shown with the others
    return NumberField(label=label, decimal_places=2, max_digits=6,
                       widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                       help_text=gettext_lazy("Từ 0 đến 1, ví dụ 0,5."),
                       error_messages={"required": gettext_lazy("Cần nhập hệ số."),
                                       "invalid": gettext_lazy("Hệ số phải là số, ví dụ 0,5."),
                                       "max_decimal_places": gettext_lazy("Hệ số có tối đa 2 chữ số thập phân."),
                                       "max_digits": gettext_lazy("Hệ số phải từ 0 đến 1."),
                                       "max_whole_digits": gettext_lazy("Hệ số phải từ 0 đến 1.")})


class GradeRuleForm(forms.Form):
    on_time = _weight_field(WEIGHTS[0][1])
    excused = _weight_field(WEIGHTS[1][1])
    late = _weight_field(WEIGHTS[2][1])
    not_done = _weight_field(WEIGHTS[3][1])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MAX_BANDS):
            minimum = _("Điểm từ (mức %(n)s)") % {"n": i + 1}
            label = _("Xếp loại (mức %(n)s)") % {"n": i + 1}
            self.fields[f"band_{i}_min"] = forms.CharField(
                label=minimum, required=False, max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "aria-label": minimum}))
            self.fields[f"band_{i}_label"] = forms.CharField(
                label=label, required=False, max_length=200,
                widget=forms.TextInput(attrs={"size": 40, "aria-label": label}))

    @classmethod
    def initial_for(cls, weights: rules.Weights, bands: list[dict[str, Any]]) -> dict[str, str]:
        """The stored rule as officers type it: "0,5", "90"."""
        initial = {name: rules.number_text(getattr(weights, name)) for name, _label in WEIGHTS}
        ordered = sorted(bands, key=lambda b: Decimal(str(b["min"])), reverse=True)
        for i, band in enumerate(ordered[:MAX_BANDS]):
            initial[f"band_{i}_min"] = rules.number_text(Decimal(str(band["min"])))
            initial[f"band_{i}_label"] = str(band["label"])
        return initial

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in WEIGHTS]

    def band_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"band_{i}_min"], self[f"band_{i}_label"]) for i in range(MAX_BANDS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        bands: list[dict[str, Any]] = []
        for i in range(MAX_BANDS):
            raw = (data.get(f"band_{i}_min") or "").strip()
            label = " ".join((data.get(f"band_{i}_label") or "").split())
            if not raw and not label:
                continue  # a blank row: no band
            if not raw:
                self.add_error(f"band_{i}_min", _("Cần điểm tối thiểu của mức “%(label)s”.") % {"label": label})
                continue
            try:
                minimum = Decimal(vietnamese_number(raw))
            except InvalidOperation:
                minimum = None
            if minimum is None or not minimum.is_finite():
                self.add_error(f"band_{i}_min", _("“%(value)s” không phải là số điểm.") % {"value": raw})
                continue
            bands.append({"min": minimum, "label": label})
        data["bands"] = bands
        return data

    def weights(self) -> rules.Weights:
        return rules.Weights(*(self.cleaned_data[name] for name, _label in WEIGHTS))
