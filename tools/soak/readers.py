"""Readers of the read-only mount: each thread reads every file of the
mount's current snapshot in its own shuffled order, pass after pass, and
checks each file's bytes against the versions table (versions.py).

After a file is read its pages are dropped from the kernel's page cache
(POSIX_FADV_DONTNEED), so the next pass reads through shoal again instead
of from the page cache, and shoal's own cache keeps evicting.

`read_and_judge` is also what the refresher uses to check new and changed
files right after a refresh.
"""
import errno
import os
import random
import threading
import time

from store import digest_of
from versions import DELETED


def read_file(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        result = digest_of(iter(lambda: os.read(fd, 1 << 20), b""))
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        return result
    finally:
        os.close(fd)


def read_and_judge(mnt, key, versions, tally, who):
    """Reads mnt/key and judges it. Returns "ok", "deleted" (ENOENT, as
    expected), "error" (counted in tally.errors) or "failure"."""
    started = time.monotonic()
    try:
        digest, size = read_file(os.path.join(mnt, key))
    except OSError as e:
        ended = time.monotonic()
        name = errno.errorcode.get(e.errno, str(e.errno))
        if e.errno == errno.ENOENT and versions.judge(key, DELETED, started, ended) is None:
            return "deleted"
        if versions.in_transition(key, started, ended):
            tally.error(f"{name} on a file changed under the snapshot", f"{who} {key}")
            return "error"
        if e.errno == errno.ENOENT:
            tally.failure("missing-file", f"{who} {key}: ENOENT for a file of the snapshot")
            return "failure"
        tally.error(f"read {name}", f"{who} {key}: {e}")
        return "error"
    verdict = versions.judge(key, digest, started, time.monotonic())
    if verdict is not None:
        latest = versions.latest(key)
        tally.failure(verdict, f"{who} {key}: read {size} bytes {digest}, "
                               f"latest version {latest.size} bytes {latest.digest}")
        return "failure"
    tally.add("files verified")
    tally.add("bytes verified", size)
    return "ok"


class Reader(threading.Thread):
    def __init__(self, number, mnt, versions, tally, stop, seed):
        super().__init__(name=f"reader-{number}", daemon=True)
        self.number, self.mnt, self.versions, self.tally, self.stop = number, mnt, versions, tally, stop
        self.rng = random.Random(seed * 1000 + number)
        self.last_progress = time.monotonic()
        self.current = None  # the file being read, for a hang report
        self.passes = 0

    def run(self):
        while not self.stop.is_set():
            keys = self.versions.mounted_keys()
            self.rng.shuffle(keys)
            for key in keys:
                if self.stop.is_set():
                    return
                self.current = key
                read_and_judge(self.mnt, key, self.versions, self.tally, self.name)
                self.last_progress = time.monotonic()
            self.passes += 1
            self.tally.add("reader passes")
