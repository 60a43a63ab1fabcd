"""dondoc.importer: any CCHC plan document -> structured Plan (pure Python, no Django).

    from dondoc.importer import read_plan
    plan = read_plan("ke-hoach.docx")
    plan.to_dict()  # Plan JSON as ../shared/benchmark/SCHEMA.md defines it

Stages: readers (one per format) -> Grid -> tables (task rows) -> normalisers -> Plan.
The only exception that escapes is PlanImportError, with a Vietnamese message.
"""

from .errors import PlanImportError
from .model import Plan
from .pipeline import plan_from_grid, read_plan

__all__ = ["Plan", "PlanImportError", "plan_from_grid", "read_plan"]
