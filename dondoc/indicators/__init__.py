"""Measure: plan targets with actuals, one-stop-shop dossier statistics bound to them, the QĐ 766 index."""
