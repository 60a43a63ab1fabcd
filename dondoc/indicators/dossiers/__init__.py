"""One-stop-shop dossier data (hồ sơ TTHC): read an export, check it row by row, keep it in Parquet, compute
indicators with DuckDB. Pure Python: no Django import, so the benchmark and the job queue share it."""
