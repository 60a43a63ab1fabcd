"""Every change leaves a trace: who, what, on which record, the values before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField("lúc", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="audit_events")
    action = models.CharField("thao tác", max_length=64, db_index=True)
    object_type = models.CharField("loại bản ghi", max_length=64)
    object_id = models.CharField("mã bản ghi", max_length=64, blank=True)
    summary = models.CharField("tóm tắt", max_length=500, blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.summary}"
