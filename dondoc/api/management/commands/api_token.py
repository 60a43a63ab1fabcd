"""`dondoc api_token USERNAME [--regenerate]`: print (creating if needed) a user's API token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = ("In mã truy cập API (token) của người dùng, tạo mới nếu chưa có; với --regenerate thay mã cũ bằng mã "
            "mới (mã cũ hết hiệu lực).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", help="tên đăng nhập")
        parser.add_argument("--regenerate", action="store_true", help="thay mã cũ bằng mã mới")

    def handle(self, *args: Any, username: str, regenerate: bool = False, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        if not user.is_active:
            raise CommandError(f"Tài khoản “{username}” đã bị khóa.")
        if regenerate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
