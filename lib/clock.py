"""The time and date as the steering group's calendar says them (Norway), whatever the server's
zone: a version stored at 00:30 in Oslo is stored that day, and overdue means overdue there."""

from __future__ import annotations

import datetime as dt
from functools import cache

ZONE = "Europe/Oslo"


@cache
def _zone() -> dt.tzinfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # when first asked: a load starts faster

    try:
        return ZoneInfo(ZONE)
    except ZoneInfoNotFoundError:  # no time-zone database: the server's own clock
        return None


def now() -> dt.datetime:
    """Norwegian local time, to the second, without a zone (as the database stores it)."""
    return dt.datetime.now(_zone()).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """Today's date in Norway."""
    return now().date()
