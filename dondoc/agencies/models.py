"""The agency directory: a tree whose levels are data, names with aliases, and group designations."""

from __future__ import annotations

from django.db import models

from dondoc.importer.text import key


class Level(models.Model):
    """An administrative level (province, department, district, commune, division, unit …).

    Levels are rows, not code: the 2025 reform removed the district tier, and a province
    can add or retire levels without a release.
    """

    code = models.SlugField("mã", max_length=32, unique=True)
    name = models.CharField("tên cấp", max_length=100)
    rank = models.PositiveSmallIntegerField("thứ tự", default=0, help_text="Cấp cao hơn có thứ tự nhỏ hơn.")

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = "cấp"
        verbose_name_plural = "các cấp"

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    name = models.CharField("tên", max_length=300)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    level = models.ForeignKey(Level, verbose_name="cấp", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="agencies")
    parent = models.ForeignKey("self", verbose_name="cơ quan cấp trên", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    is_group = models.BooleanField("là nhóm", default=False,
                                   help_text="Tên chỉ một tập hợp cơ quan, ví dụ “Các sở, ban, ngành”.")
    members = models.ManyToManyField("self", verbose_name="thành viên (chỉ định)", symmetrical=False, blank=True,
                                     related_name="groups")
    member_level = models.ForeignKey(Level, verbose_name="gồm mọi cơ quan cấp", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    member_parent = models.ForeignKey("self", verbose_name="trực thuộc", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    search_key = models.CharField(max_length=300, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = key(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class AgencyAlias(models.Model):
    """Another way the same agency (or group) is written: "SNV", "VP. UBND tỉnh" …

    The key is accent-free and case-folded, so one alias covers every spelling of it.
    """

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField("cách viết", max_length=300)
    key = models.CharField(max_length=300, unique=True, editable=False)
    learnt = models.BooleanField("học từ lần nhập", default=False)

    class Meta:
        verbose_name = "tên gọi khác"
        verbose_name_plural = "tên gọi khác"

    def save(self, *args: object, **kwargs: object) -> None:
        self.key = alias_key(self.text)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.text


_SPELLED_OUT = (("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"), ("vp ", "van phong "))


def alias_key(text: str) -> str:
    """Accent-free, case-free, punctuation-light key of an agency name; "Ủy ban nhân dân" reads as "UBND"."""
    folded = " ".join(key(text).replace(".", " ").replace(",", " ").replace(";", " ").split())
    for long, short in _SPELLED_OUT:
        folded = (folded + " ").replace(long, short).strip() if long.endswith(" ") else folded.replace(long, short)
    return folded
