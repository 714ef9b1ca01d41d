"""Pure readers of crawled documents (JSONL, Parquet, WARC): file object in, raw documents and dead letters out."""
