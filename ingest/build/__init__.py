"""One run of `juesuan build` / `juesuan ingest`: which files (`inputs`), read them in bounded worker
processes (`executors`, `ingest`, `record`), `dbt` build with `quarantine` of odd reports, the Great
Expectations `checks`, and the `pipeline` that puts them together on a copy of the warehouse and publishes
it. The only layer that knows both a read Report and the warehouse's tables."""
