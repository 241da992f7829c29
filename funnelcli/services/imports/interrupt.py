"""Ctrl-C held back while an import commits."""

from __future__ import annotations

import signal
from typing import Any


class HeldInterrupt:
    """Ctrl-C recorded instead of raised, from just before ``COMMIT`` until the rejects file is
    in place: raised in that window, it would leave a committed import reported as undone and
    its rejects file thrown away. Only where Python's own handler is in place (main thread)."""

    def __init__(self) -> None:
        self.caught = False
        self._held = False

    def start(self) -> None:
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return  # ignored, or someone else's handler: leave it alone
        try:
            signal.signal(signal.SIGINT, self._record)
        except ValueError:  # not the main thread: signals go to the main thread anyway
            return
        self._held = True

    def _record(self, signum: int, frame: Any) -> None:
        self.caught = True

    def stop(self) -> None:
        if self._held:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._held = False
