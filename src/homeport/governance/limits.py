"""Limits a team or a key carries: a budget per period and rate limits. None: no limit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    budget: float | None = None  # currency per period (cloud spend)
    budget_period: str | None = None  # day | week | month (default month)
    on_exhausted: str | None = None  # local | reject (default governance.on_budget_exhausted)
    rpm: int | None = None  # requests per minute
    tpm: int | None = None  # tokens per minute (prompt + completion)

    def budget_text(self) -> str:
        """`12.5/month`, or "" without a budget."""
        return "" if self.budget is None else f"{self.budget:g}/{self.budget_period or 'month'}"
