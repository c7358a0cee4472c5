"""A worker thread that does one round of its job every `every` seconds
until stopped (the refresher, the checkpointer). A round that raises is
counted as an error and the next one goes on; `busy_since` tells the
watcher how long the current round has taken, so a stuck one is a hang.
"""
import threading
import time


class Periodic(threading.Thread):
    def __init__(self, name, tally, stop, every):
        super().__init__(name=name, daemon=True)
        self.tally, self.stop, self.every = tally, stop, every
        self.busy_since = None

    def run(self):
        n = 0
        while not self.stop.wait(self.every):
            n += 1
            self.busy_since = time.monotonic()
            try:
                self.round(n)
            except Exception as e:  # a broken round must not end the soak silently
                self.tally.error(f"{self.name} round failed", f"round {n}: {e!r}")
            self.busy_since = None

    def round(self, n):
        raise NotImplementedError
