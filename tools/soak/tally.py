"""What the soak saw, shared by every worker thread: counts (files and bytes
verified, checkpoints, refreshes), errors by kind, and failures.

An *error* is something shoal reported (EIO after a fault, ESTALE for an
object changed under the snapshot): counted, never fatal by itself. A
*failure* is something shoal must never do (wrong bytes, a lost checkpoint,
a hang, a crash, memory over its cap): it makes the soak exit non-zero.
Every error and failure also goes, with its time and detail, to events.log.
"""
import collections
import threading
import time


class Tally:
    def __init__(self, events_path, started):
        self.started = started
        self._mu = threading.Lock()
        self._events = open(events_path, "w", buffering=1)
        self.counts = collections.Counter()
        self.errors = collections.Counter()
        self.failures = collections.Counter()
        self.first_failures = []  # the first few, for the summary

    def add(self, name, n=1):
        with self._mu:
            self.counts[name] += n

    def get(self, name):
        with self._mu:
            return self.counts[name]

    def error(self, kind, detail):
        with self._mu:
            self.errors[kind] += 1
            self._log("error", kind, detail)

    def failure(self, kind, detail):
        with self._mu:
            self.failures[kind] += 1
            if len(self.first_failures) < 10:
                self.first_failures.append(f"{kind}: {detail}")
            self._log("FAILURE", kind, detail)

    def error_total(self):
        with self._mu:
            return sum(self.errors.values())

    def note(self, text):
        with self._mu:
            self._log("note", "-", text)

    def failed(self):
        with self._mu:
            return sum(self.failures.values()) > 0

    def _log(self, level, kind, detail):
        self._events.write(f"{time.monotonic() - self.started:9.1f}s\t{level}\t{kind}\t{detail}\n")

    def close(self):
        self._events.close()
