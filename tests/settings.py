"""Test settings: jobs run inline, data (SQLite file, uploads) goes to a throw-away folder.

Environment defaults must be in place before dondoc.settings is read, which pytest-django
does before any conftest, hence a settings module of its own.
"""

import os
import tempfile

os.environ.setdefault("DONDOC_QUEUE", "immediate")
os.environ.setdefault("DONDOC_DATA_DIR", tempfile.mkdtemp(prefix="dondoc-test-"))

from dondoc.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
