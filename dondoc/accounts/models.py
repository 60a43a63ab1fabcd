"""People: every user belongs to an agency and holds one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    STANDING = "standing", "Cơ quan thường trực"
    FOCAL = "focal", "Cán bộ đầu mối"
    LEADER = "leader", "Lãnh đạo cơ quan"
    VIEWER = "viewer", "Người xem"


class User(AbstractUser):
    role = models.CharField("vai trò", max_length=16, choices=Role.choices, default=Role.VIEWER)
    agency = models.ForeignKey("agencies.Agency", verbose_name="cơ quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    phone = models.CharField("điện thoại", max_length=32, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def __str__(self) -> str:
        return self.get_full_name() or self.username
