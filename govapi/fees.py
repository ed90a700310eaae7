"""The late-fee rule for fines, computed by govapi as of a given day.

Modelled on the Act on the Regulation of Violations of Public Order (질서위반행위규제법, art. 24):
- paid on or before the due date: no late fee;
- from the day after the due date: a late fee (가산금) of 3% of the base amount;
- then a heavy late fee (중가산금) of 1.2% of the base amount for each full month after the due
  date, for at most 60 months (so the late fee never exceeds 75% of the base amount).
Amounts are whole won, rounded down to 10 won as on Korean notices.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

FIRST_LATE_FEE_PERCENT_X10 = 30  # 3.0%
MONTHLY_LATE_FEE_PERCENT_X10 = 12  # 1.2%
MAX_MONTHS = 60


@dataclasses.dataclass(frozen=True)
class AmountOwed:
    base_amount: int
    late_fee: int
    overdue: bool

    @property
    def amount_due(self) -> int:
        return self.base_amount + self.late_fee


def full_months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def amount_owed(base_amount: int, due_date: dt.date, as_of: dt.date) -> AmountOwed:
    if as_of <= due_date:
        return AmountOwed(base_amount, 0, False)
    months = min(full_months_between(due_date, as_of), MAX_MONTHS)
    per_mille = FIRST_LATE_FEE_PERCENT_X10 + MONTHLY_LATE_FEE_PERCENT_X10 * months
    late_fee = base_amount * per_mille // 1000
    late_fee -= late_fee % 10
    return AmountOwed(base_amount, late_fee, True)
