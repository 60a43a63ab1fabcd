"""The database's query planner statistics.

SQLite plans joins from statistics it gathers only on ANALYZE; without them it guesses, and on a province's data
the guess scans every task of the year to find a few agencies' (the department grades took 170 ms instead of 11).
PostgreSQL's autovacuum keeps its own statistics, but not right after a bulk load (demo data, a restore). So the
statistics are refreshed after migrations, after bulk loads, and every hour by the job queue (web/tasks.py).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

#: rows SQLite samples per index: approximate statistics are enough to choose a plan, and take milliseconds
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
