"""Which database the Django tests ran on. CI runs them on PostgreSQL (DONDOC_REQUIRE_POSTGRES=1) and
again on SQLite; this test makes sure the PostgreSQL run really was one."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection

SUPPORTED = {"sqlite", "postgresql"}
REQUIRE_POSTGRES = os.environ.get("DONDOC_REQUIRE_POSTGRES", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.mark.django_db
def test_database_backend(record_property: Any, capsys: pytest.CaptureFixture[str]) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    record_property("database", f"{vendor} {version}")
    with capsys.disabled():
        name = connection.settings_dict["NAME"]
        print(f"\n[dondoc] cơ sở dữ liệu kiểm thử / test database: {vendor} {version} ({name})")
    assert vendor in SUPPORTED, f"dondoc chỉ hỗ trợ SQLite và PostgreSQL, không phải {vendor}"
    if REQUIRE_POSTGRES:
        assert vendor == "postgresql", (
            f"DONDOC_REQUIRE_POSTGRES=1 nhưng kiểm thử chạy trên {vendor}: hãy đặt DATABASE_URL=postgres://…")
