"""Orchestration for teams that run one: Dagster definitions of the nightly build (``orchestrate.dagster``).

A layer above ``build``: it may import build, warehouse and the shared modules, and nothing imports it,
so that Dagster (an optional extra, ``pip install '.[dagster]'``) is loaded only by
``dagster dev -m ingest.orchestrate.dagster`` and never by the ``juesuan`` command. This ``__init__``
imports nothing.
"""
