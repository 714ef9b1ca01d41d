"""The single source of truth for every record's fields and pyarrow types."""
