"""Months as "YYYY-MM" strings: the reporting period and the trend window before it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa_lib.errors import ParamsError

# pandas is loaded where a month is first worked with, not when params are read: a run starts its notebook
# workers before it loads pandas (`qa_lib.run.runner`).

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive, as "YYYY-MM"."""
    import pandas as pd

    return [str(p) for p in pd.period_range(first, last, freq="M")]


def add_months(month: str, n: int) -> str:
    """The month `n` months after (or before, for negative n) `month`."""
    import pandas as pd

    return str(pd.Period(month, freq="M") + n)


def month_name(month: str, with_year: bool = False) -> str:
    """ "2021-10" -> "October" (or "October 2021")."""
    import pandas as pd

    p = pd.Period(month, freq="M")
    return p.strftime("%B %Y") if with_year else p.strftime("%B")


def month_short(month: str) -> str:
    """ "2021-10" -> "Oct 2021", for chart axes and table headers."""
    import pandas as pd

    return pd.Period(month, freq="M").strftime("%b %Y")


@dataclass(frozen=True)
class Period:
    """The reporting period (e.g. a quarter) and the 12 months before it for trends."""

    start: str
    end: str
    trend_length: int = 12

    def __post_init__(self) -> None:
        for label, value in (("from", self.start), ("to", self.end)):
            if not isinstance(value, str) or not MONTH_RE.match(value):
                raise ParamsError(f"period {label}: {value!r} is not a month; expected YYYY-MM, e.g. 2021-10")
        if self.start > self.end:
            raise ParamsError(f"period: 'from' ({self.start}) is after 'to' ({self.end})")

    @property
    def months(self) -> list[str]:
        """The months of the reporting period."""
        return month_range(self.start, self.end)

    @property
    def trend_months(self) -> list[str]:
        """The `trend_length` months before the period, then the period itself."""
        return month_range(add_months(self.start, -self.trend_length), self.end)

    def with_previous(self, present: set[str] | list[str]) -> list[str]:
        """The period with the month just before it when that month has audits: the baseline for
        month-on-month change. One definition for the report, the tables and the e-mail; a gap month
        means no baseline (never an older month)."""
        before = add_months(self.start, -1)
        return ([before] if before in set(present) else []) + self.months

    @property
    def label(self) -> str:
        """ "October, November and December 2021", as the reference report writes it ("November and December
        2022 and January 2023" across a year's end)."""
        return month_list(list(self.months))


def month_list(months: list[str]) -> str:
    """["2021-01", "2021-05", "2021-11"] -> "January, May and November 2021"; across years, each year named once
    after its last month: ["2022-03", "2022-08", "2023-01"] -> "March and August 2022 and January 2023"."""
    if not months:
        return ""
    groups: list[list[str]] = []
    for m in months:
        if groups and groups[-1][-1][:4] == m[:4]:
            groups[-1].append(m)
        else:
            groups.append([m])
    return join_words([join_words([month_name(m) for m in g[:-1]] + [month_name(g[-1], True)]) for g in groups])


def join_words(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class RunMonths:
    """The months a run's figures are drawn over, decided once: the period, the 12-month trend window, the
    trend window from its first month with any audit, and the period with its baseline month (the month just
    before, when it has audits)."""

    months: tuple[str, ...]
    trend_months: tuple[str, ...]
    trend_with_data: tuple[str, ...]
    with_previous: tuple[str, ...]

    @classmethod
    def of(cls, period: Period, present: set[str]) -> RunMonths:
        trend = period.trend_months
        first = next((i for i, m in enumerate(trend) if m in present), len(trend) - len(period.months))
        return cls(tuple(period.months), tuple(trend), tuple(trend[first:]), tuple(period.with_previous(present)))
