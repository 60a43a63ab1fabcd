from __future__ import annotations

from django import forms

from .models import Agency


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "short_name", "level", "parent", "is_group", "member_level", "member_parent"]


class AliasForm(forms.Form):
    text = forms.CharField(label="Tên gọi khác", max_length=300)


class MembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(label="Thành viên", queryset=Agency.objects.filter(is_group=False),
                                             required=False, widget=forms.SelectMultiple(attrs={"size": 12}))
