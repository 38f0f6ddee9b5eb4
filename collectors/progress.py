"""How far a collection has got: regions listed, APIs collected, told to a callback as it goes.

The pytest plugin draws a progress line from it; collection itself never reads it back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    regions_listed: int
    regions_total: int
    apis_done: int
    apis_total: int  # known once every region is listed (``planned``)
    planned: bool = False

    @property
    def finished(self) -> bool:
        return self.planned and self.apis_done == self.apis_total


ProgressCallback = Callable[[Progress], None]


class ProgressTracker:
    """Counts what the collection threads finish and tells ``callback`` each time."""

    def __init__(self, callback: ProgressCallback | None, regions: int) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._regions_total = regions
        self._regions_listed = 0
        self._apis_done = 0
        self._apis_total = 0
        self._planned = False

    def region_listed(self) -> None:
        with self._lock:
            self._regions_listed += 1
            self._tell()

    def apis_planned(self, total: int) -> None:
        with self._lock:
            self._apis_total = total
            self._planned = True
            self._tell()

    def api_collected(self) -> None:
        with self._lock:
            self._apis_done += 1
            self._tell()

    def _tell(self) -> None:
        if self._callback is not None:
            self._callback(
                Progress(
                    regions_listed=self._regions_listed,
                    regions_total=self._regions_total,
                    apis_done=self._apis_done,
                    apis_total=self._apis_total,
                    planned=self._planned,
                )
            )
