"""The warehouse file: the only code that opens the DuckDB file. `schema` declares the tables Python writes
(raw.* and quality.check_results), `raw` writes raw.*, `quality` the checks' input and output, `publish`
swaps a built copy in atomically, `runlog` reads and fingerprints the run log, `access` is read-only access
for query, export and status. Knows tables, not PDFs."""
