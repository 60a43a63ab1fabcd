"""The one error type the importer lets escape.

Every failure a user can cause (wrong format, corrupt file, a document that is
not a plan) becomes a PlanImportError whose message is Vietnamese and meant to
be shown as is; `code` is stable and machine-readable for the web layer.
"""

from __future__ import annotations


class PlanImportError(Exception):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
