"""Synthetic final-accounts reports for tests: ``random_report`` (model), ``render`` (PDF layouts)."""
from .model import Report, random_report

__all__ = ["Report", "random_report"]
