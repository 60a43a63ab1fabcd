"""Demo dossier data: a generated one-stop-shop export for the demo's agencies over the seed plans' report
windows, imported through the same pipeline an officer's upload goes through, so the plans' bound targets
(on-time, online, digitised, satisfaction …) show real values. Idempotent: codes are deterministic, so a
second run updates the same dossiers."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db.models import Max, Min

from dondoc.agencies.models import Agency
from dondoc.plans.models import ReportPeriod

from . import services
from .dossiers import schema
from .dossiers.generate import AgencySpec, generate, write_export
from .models import CounterStaffing, DossierImport, DossierSource

DEMO_SOURCE = "Hệ thống thông tin giải quyết TTHC (dữ liệu mẫu)"
ROWS_PER_YEAR = 8000


def seed_dossiers(*, actor: Any, rows_per_year: int = ROWS_PER_YEAR, seed: int = 2021) -> DossierImport | None:
    """Generate and import the demo export; None when there is no agency or no report window to cover."""
    span = ReportPeriod.objects.exclude(data_from=None).exclude(data_to=None).aggregate(
        start=Min("data_from"), end=Max("data_to"))
    agencies = [a for a in Agency.objects.filter(is_group=False).select_related("level", "parent__level")
                if services.export_level(a) is not None and a.level is not None
                and a.level.code in {"department", "district", "commune"}]
    if not agencies or span["start"] is None:
        return None
    years = span["end"].year - span["start"].year + 1
    specs = [AgencySpec(a.name, services.export_level(a) or "province") for a in agencies]
    frame = generate(rows_per_year * years, specs, start=span["start"], end=span["end"], seed=seed,
                     code_prefix="DEMO")
    source, _ = DossierSource.objects.get_or_create(name=DEMO_SOURCE)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ho-so-mau.csv"
        write_export(frame, path)
        imp = DossierImport(source=source, original_name=path.name, size=path.stat().st_size, uploaded_by=actor,
                            headers=list(schema.DEFAULT_HEADERS), state=DossierImport.State.QUEUED)
        with path.open("rb") as fh:
            imp.file.save(path.name, File(fh), save=False)
    imp.save()
    for i, agency in enumerate(agencies):  # counter staff, so "dossiers per officer" has values too
        for year in range(span["start"].year, span["end"].year + 1):
            CounterStaffing.objects.get_or_create(agency=agency, year=year, defaults={"officers": 1 + (i * 7) % 4})
    mapping = {f.name: f.label for f in schema.FIELDS}
    return services.run_import(imp.pk, mapping)
