"""Today's date, the one place steg2 reads the clock.

`STEG2_TODAY=YYYY-MM-DD` pins it: for the demo, for rehearsing a run on another day, and for tests.
"""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    """Today, or the date in STEG2_TODAY when it is set."""
    pinned = os.environ.get("STEG2_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
