"""Package data: the derived reference Parquet files (see docs/reference-data.md)."""
